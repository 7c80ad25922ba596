// The shortest decimal text that reads back as the same double, for spec
// strings and error messages ("sw2 must be ... (got -1)").
#pragma once

#include <charconv>
#include <string>

namespace qmf::detail {

inline std::string format_number(double x) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return {buffer, end};
}

}  // namespace qmf::detail
