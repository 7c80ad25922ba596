#include "qmf/activations/backward_derivative.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf {

double gradient_preserving_slope(double sw2, double q_star, double clip) {
  return 1.0 / std::sqrt(sw2 * std::erf(clip / std::sqrt(2.0 * q_star)));
}

double window_probability(const StraightThrough& surrogate, double q) {
  // u = 0 almost surely: inside, on an end (half of a vanishing normal), or outside.
  if (q == 0.0) {
    const double lower = surrogate.lower(), upper = surrogate.upper();
    if (lower < 0.0 && upper > 0.0) return 1.0;
    return (lower == 0.0 || upper == 0.0) ? 0.5 : 0.0;
  }
  const double root = std::sqrt(q);
  return normal_interval(surrogate.lower() / root, surrogate.upper() / root);
}

void validate_window(double lower, double upper) {
  if (!(lower < upper))
    throw std::invalid_argument("ste_window must be lo:hi with lo < hi (infinite ends allowed)");
}

StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double clip) {
  const double q_star = reached_length(phi, init, q0);
  return {gradient_preserving_slope(init.sw2, q_star, clip), clip};
}

StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double lower, double upper) {
  validate_window(lower, upper);
  StraightThrough surrogate{1.0, 1.0, std::pair{lower, upper}};
  const double q_star = reached_length(phi, init, q0);
  const double probability = window_probability(surrogate, q_star);
  // A window the pre-activations never reach has no slope that preserves the gradient.
  if (!(probability > 0.0))
    throw std::invalid_argument(
        "ste_window: the pre-activations (variance q* = " + detail::format_number(q_star) +
        ") fall in the window with probability 0 (to double precision); no slope preserves the "
        "gradient");
  surrogate.slope = 1.0 / std::sqrt(init.sw2 * probability);
  return surrogate;
}

BackwardDerivative::BackwardDerivative(const Activation& phi, StraightThrough surrogate)
    : phi_(phi),
      surrogate_(surrogate),
      lower_(surrogate.lower()),
      upper_(surrogate.upper()),
      straight_through_(phi.is_step()) {
  if (straight_through_ && !(std::isfinite(surrogate.slope) && surrogate.slope >= 0.0))
    throw std::invalid_argument("ste_slope must be a non-negative finite number");
  if (straight_through_ && !(std::isfinite(surrogate.clip) && surrogate.clip > 0.0))
    throw std::invalid_argument("ste_clip must be a positive finite number");
  if (straight_through_ && surrogate.window) validate_window(lower_, upper_);
}

void BackwardDerivative::values(const double* in, double* out, std::size_t n) const {
  if (!straight_through_) {
    phi_.derivatives(in, out, n);
    return;
  }
  const double lower = lower_, upper = upper_, slope = surrogate_.slope;
  for (std::size_t i = 0; i < n; ++i) out[i] = (in[i] <= upper && in[i] >= lower) ? slope : 0.0;
}

double BackwardDerivative::second_moment(double q) const {
  if (!straight_through_) return phi_.derivative_second_moment(q);
  // P(|u| <= tau) = erf(tau / sqrt(2 q)) for the symmetric box.
  if (!surrogate_.window)
    return surrogate_.slope * surrogate_.slope * std::erf(surrogate_.clip / std::sqrt(2.0 * q));
  return surrogate_.slope * surrogate_.slope * window_probability(surrogate_, q);
}

}  // namespace qmf
