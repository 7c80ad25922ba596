#include "qmf/numerics/memory_limit.hpp"

#include <cstdio>
#include <stdexcept>

namespace qmf {

void require_memory_within_limit(double bytes, const std::string& sizes, double limit) {
  if (bytes <= limit) return;  // false for NaN: refused too
  const auto gib = [](double b) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", b / (1024.0 * 1024 * 1024));
    return std::string(text);
  };
  const char* verb = sizes.find(" and ") == std::string::npos ? " asks for " : " ask for ";
  throw std::invalid_argument(sizes + verb + gib(bytes) + " GiB of memory; the limit is " +
                              gib(limit) + " GiB");
}

}  // namespace qmf
