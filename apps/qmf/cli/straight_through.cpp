#include "cli/straight_through.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace qmf::cli {

StraightThrough straight_through_for(const Activation& phi, const Initialization& init, double q0,
                                     std::optional<double> slope, std::optional<double> clip) {
  if (!phi.is_step()) {
    if (slope || clip)
      throw std::invalid_argument(std::string(slope ? "--ste-slope" : "--ste-clip") +
                                  " applies to step activations only (smooth ones use phi')");
    return {};
  }
  const double tau = clip.value_or(1.0);
  if (!(std::isfinite(tau) && tau > 0.0))
    throw std::invalid_argument("--ste-clip must be a positive finite number");
  if (slope) return {*slope, tau};
  return gradient_preserving_surrogate(phi, init, q0, tau);
}

}  // namespace qmf::cli
