// How library messages print a number (private to the kernel sources).
#pragma once

#include <sstream>
#include <string>

namespace qmf::detail {

/// Six significant digits: enough to recognise a value in a message.
inline std::string describe(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

}  // namespace qmf::detail
