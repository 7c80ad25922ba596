// The correlation integrals of a step activation near c = 1 through
// Plackett's kernel (activations/plackett_kernel.hpp): the deficit, the
// slope, and their angle forms, which the Newton iteration for c* uses; and
// the slope's density sum as the derivative cross moment.
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "activations/plackett_kernel.hpp"
#include "numerics/adaptive_gauss_kronrod.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf {

namespace {
constexpr double quarter_pi = boost::math::constants::quarter_pi<double>();
constexpr double two_pi = boost::math::constants::two_pi<double>();

// E[phi(u1) phi(u2)] - E[phi]^2 for c in [-1, 1] by adaptive Gauss-Kronrod
// over the kernel in theta = asin(rho): a route independent of the fixed
// rule of the deficit, kept to check it and Owen's T.
double covariance_adaptive(const detail::PlackettKernel& kernel, double c) {
  // kernel(sin theta) with 1 -+ sin theta = 2 sin^2(pi/4 -+ theta/2).
  auto integrand = [&](double theta) {
    const double below = std::sin(quarter_pi - 0.5 * theta);
    const double above = std::sin(quarter_pi + 0.5 * theta);
    return kernel(2.0 * above * above, 2.0 * below * below);
  };
  const double theta = std::asin(std::clamp(c, -1.0, 1.0));
  if (theta == 0.0) return 0.0;
  const double integral = theta > 0.0
                              ? detail::adaptive_gauss_kronrod(integrand, 0.0, theta, 1e-13)
                              : -detail::adaptive_gauss_kronrod(integrand, theta, 0.0, 1e-13);
  return integral / two_pi;
}

// sum_kl h_k h_l pdf2(a_k, b_l; c) at c = +-1, where the formula is 0/0: the
// pair (z1, z2) concentrates on z2 = c z1, so the terms with b_l = c a_k (to
// rounding: thresholds meant to be symmetric) grow like 1/sqrt(1 - c^2) and
// the others vanish. Infinite with the sign of those terms' sum, else 0.
double density_sum_at_unit_correlation(const std::vector<double>& a, const std::vector<double>& b,
                                       const std::vector<double>& h, double c) {
  double matched = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    for (std::size_t l = 0; l < b.size(); ++l)
      if (std::fabs(b[l] - c * a[k]) <= 1e-12 * std::max(1.0, std::fabs(a[k])))
        matched += h[k] * h[l] * std::exp(-0.5 * a[k] * a[k]);
  if (matched == 0.0) return 0.0;
  return std::copysign(std::numeric_limits<double>::infinity(), matched);
}
}  // namespace

detail::PlackettKernel StepActivation::plackett_kernel(double q) const {
  return {scaled_thresholds(q), jumps_, uniform_staircase_};
}

double StepActivation::cross_moment_plackett(double q, double c) const {
  const double m = mean(q);
  return m * m + covariance_adaptive(plackett_kernel(q), c);
}

double StepActivation::cross_moment_deficit(double q, double c) const {
  if (c >= 1.0) return 0.0;
  // Negative c is outside the fixed Plackett rule (its integrand steepens at
  // rho = -1) and outside every c* in [0, 1]: the difference of the moments.
  if (c < 0.0) return second_moment(q) - cross_moment(q, c);
  return plackett_kernel(q).deficit(c);
}

double StepActivation::cross_moment_slope(double q, double c) const {
  if (c <= -1.0) {
    const auto a = scaled_thresholds(q);
    return density_sum_at_unit_correlation(a, a, jumps_, -1.0);
  }
  // Plackett's identity: sum_kl h_k h_l pdf2(a_k, a_l; c).
  return plackett_kernel(q).slope(c);
}

// phi' as the sum of the deltas h_k delta(u - t_k) at the jumps, the convention
// that makes chi_1 = sw2 E[phi'^2] infinite: by Price's theorem
// E[phi'(u1) phi'(u2)] = d/dc E[phi(u1) phi(u2)] / sqrt(q1 q2)
//                      = sum_kl h_k h_l pdf2(a_k, b_l; c) / sqrt(q1 q2).
double StepActivation::derivative_cross_moment(double q1, double q2, double c) const {
  if (q1 == q2) return cross_moment_slope(q1, c) / q1;
  const auto a = scaled_thresholds(q1);
  const auto b = scaled_thresholds(q2);
  const double scale = std::sqrt(q1 * q2);
  if (std::fabs(c) >= 1.0) return density_sum_at_unit_correlation(a, b, jumps_, c) / scale;
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    for (std::size_t l = 0; l < b.size(); ++l)
      sum += jumps_[k] * jumps_[l] * bivariate_normal_pdf(a[k], b[l], c);
  return sum / scale;
}

double StepActivation::cross_moment_deficit_per_angle(double q, double theta) const {
  return plackett_kernel(q).deficit_per_angle(theta);
}

double StepActivation::cross_moment_deficit_rise_per_angle(double q, double lo, double hi) const {
  return plackett_kernel(q).deficit_rise_per_angle(lo, hi);
}

double StepActivation::cross_moment_slope_at_angle(double q, double theta) const {
  return plackett_kernel(q).slope_at_angle(theta);
}

}  // namespace qmf
