#include "qmf/numerics/memory_limit.hpp"

#include <cstdio>
#include <stdexcept>

namespace qmf {

void require_memory_within_limit(double bytes, const std::string& sizes) {
  if (bytes <= memory_limit_bytes) return;  // false for NaN: refused too
  char amount[32];
  std::snprintf(amount, sizeof amount, "%.3g", bytes / (1024.0 * 1024 * 1024));
  const char* verb = sizes.find(" and ") == std::string::npos ? " asks for " : " ask for ";
  throw std::invalid_argument(sizes + verb + amount + " GiB of memory; the limit is 4 GiB");
}

}  // namespace qmf
