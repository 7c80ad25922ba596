#include "qmf/activations/backward_derivative.hpp"

#include <cmath>
#include <stdexcept>

#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

double gradient_preserving_slope(double sw2, double q_star, double clip) {
  return 1.0 / std::sqrt(sw2 * std::erf(clip / std::sqrt(2.0 * q_star)));
}

StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double clip) {
  const double q_star = stable_length_fixed_point(phi, init, q0).q;
  return {gradient_preserving_slope(init.sw2, q_star, clip), clip};
}

BackwardDerivative::BackwardDerivative(const Activation& phi, StraightThrough surrogate)
    : phi_(phi), surrogate_(surrogate), straight_through_(phi.is_step()) {
  if (straight_through_ && !(std::isfinite(surrogate.slope) && surrogate.slope >= 0.0))
    throw std::invalid_argument("ste_slope must be a non-negative finite number");
  if (straight_through_ && !(std::isfinite(surrogate.clip) && surrogate.clip > 0.0))
    throw std::invalid_argument("ste_clip must be a positive finite number");
}

double BackwardDerivative::second_moment(double q) const {
  if (!straight_through_) return phi_.derivative_second_moment(q);
  // P(|u| <= tau) = erf(tau / sqrt(2 q)).
  return surrogate_.slope * surrogate_.slope * std::erf(surrogate_.clip / std::sqrt(2.0 * q));
}

}  // namespace qmf
