#include "cli/limits.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace qmf::cli {

void require_simulation_memory(const SimulationSettings& settings) {
  const double bytes = simulation_memory_bytes(settings);
  if (bytes <= simulation_memory_limit_bytes) return;
  char gib[32];
  std::snprintf(gib, sizeof gib, "%.3g", bytes / (1024.0 * 1024 * 1024));
  throw std::invalid_argument("--width, --depth, --nets and --threads ask for " + std::string(gib) +
                              " GiB of memory; the limit is 4 GiB");
}

}  // namespace qmf::cli
