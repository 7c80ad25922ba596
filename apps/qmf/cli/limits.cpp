#include "cli/limits.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace qmf::cli {

void require_simulation_resources(const SimulationSettings& settings) {
  char amount[32];
  const double bytes = simulation_memory_bytes(settings);
  if (bytes > simulation_memory_limit_bytes) {
    std::snprintf(amount, sizeof amount, "%.3g", bytes / (1024.0 * 1024 * 1024));
    throw std::invalid_argument("--width, --depth, --nets and --threads ask for " +
                                std::string(amount) + " GiB of memory; the limit is 4 GiB");
  }
  // Drawing the weights, every layer of every net draws its width^2 weights,
  // twice with the backward pass: ~17 ns a draw and product on one core. A
  // Gram layer draws width x columns normals, three times with the backward
  // pass (forward; on the way down the layer below again and its own backward
  // draws), a few ns each.
  const double layers = static_cast<double>(settings.nets) * settings.depth;
  const double width = settings.width;
  if (chosen_method(settings) == SimulationMethod::gram) {
    const double draws = (settings.backward ? 3.0 : 1.0) * layers * width *
                         (static_cast<double>(settings.c0.size()) + 1.0);
    if (draws > simulation_gram_draw_limit) {
      std::snprintf(amount, sizeof amount, "%.3g", draws);
      throw std::invalid_argument("--width, --depth and --nets ask for " + std::string(amount) +
                                  " normal draws (nets x depth x width x inputs, x3 with the "
                                  "backward pass); the limit is 5e10 (a few minutes)");
    }
    return;
  }
  const double draws = (settings.backward ? 2.0 : 1.0) * layers * width * width;
  if (draws > simulation_weight_draw_limit) {
    std::snprintf(amount, sizeof amount, "%.3g", draws);
    throw std::invalid_argument("--width, --depth and --nets ask for " + std::string(amount) +
                                " weight draws (nets x depth x width^2, x2 with the backward "
                                "pass); the limit is 1e10 (a few minutes); --method gram draws "
                                "far fewer");
  }
}

}  // namespace qmf::cli
