// The correlation integrals of a step activation near c = 1 through
// Plackett's kernel (activations/plackett_kernel.hpp): the deficit, the
// slope, and their angle forms, which the Newton iteration for c* uses.
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <limits>

#include "activations/plackett_kernel.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf {

namespace {
constexpr double pi = boost::math::constants::pi<double>();
}  // namespace

detail::PlackettKernel StepActivation::plackett_kernel(double q) const {
  return {scaled_thresholds(q), jumps_, uniform_staircase_};
}

double StepActivation::cross_moment_plackett(double q, double c) const {
  const double m = mean(q);
  return m * m + plackett_kernel(q).covariance_adaptive(c);
}

double StepActivation::cross_moment_deficit(double q, double c) const {
  if (c >= 1.0) return 0.0;
  // Negative c is outside the fixed Plackett rule (its integrand steepens at
  // rho = -1) and outside every c* in [0, 1]: the difference of the moments.
  if (c < 0.0) return second_moment(q) - cross_moment(q, c);
  return plackett_kernel(q).deficit(c);
}

double StepActivation::cross_moment_slope(double q, double c) const {
  if (c >= 1.0) return std::numeric_limits<double>::infinity();
  // Plackett's identity: sum_kl h_k h_l pdf2(a_k, a_l; c).
  return plackett_kernel(q)(1.0 + c, 1.0 - c) / (2.0 * pi * std::sqrt((1.0 - c) * (1.0 + c)));
}

double StepActivation::cross_moment_deficit_per_angle(double q, double theta) const {
  return plackett_kernel(q).mean_over_angle(theta) / (2.0 * pi);
}

double StepActivation::cross_moment_deficit_rise_per_angle(double q, double lo, double hi) const {
  return plackett_kernel(q).panel_mean(lo, hi) / (2.0 * pi);
}

double StepActivation::cross_moment_slope_at_angle(double q, double theta) const {
  const double half_sine = std::sin(0.5 * theta);
  return plackett_kernel(q)(1.0 + std::cos(theta), 2.0 * half_sine * half_sine) /
         (2.0 * pi * std::sin(theta));
}

}  // namespace qmf
