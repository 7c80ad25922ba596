// The correlation deficit of hard-tanh, E[phi^2] - E[phi(u1) phi(u2)], by
// Price's theorem and one integration by parts instead of a 2-D adaptive
// quadrature (9 ms per phase point before, issue 14).
//
// In units z = u / sqrt(q), phi(u) = sqrt(q) g(z) with g = clip(z, -b, b),
// b = 1/sqrt(q). Price's theorem gives d/drho E[g(z1) g(z2)] = F(rho), the
// rectangle probability P(|z1| < b, |z2| < b; rho), so
//   deficit / q = int_c^1 F = (1 - c) F(c) + int_c^1 (1 - rho) F'(rho) drho.
// F' is Plackett's density of the indicator g' = 1{|z| < b}: with
// rho = cos phi, F'(rho) drho = -kernel(phi) dphi / (2 pi) and
//   kernel(phi) = 2 exp(-b^2 / (1 + cos phi)) (1 - exp(-2 b^2 cos phi / sin^2 phi)),
// which is >= 0 for rho in [0, 1]: both terms of the deficit are positive,
// and nothing cancels as c -> 1.
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <limits>

#include "activations/gaussian_runs.hpp"
#include "activations/smooth_activations.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf::detail {

namespace {

constexpr double half_pi = boost::math::constants::half_pi<double>();
constexpr double two_pi = boost::math::constants::two_pi<double>();

// The two integrals of the deficit over [lo, hi] by the 12-point
// Gauss-Legendre rule: of kernel(phi), and of (1 - cos phi) kernel(phi).
struct PanelSums {
  double kernel = 0.0;
  double weighted = 0.0;
};

PanelSums panel(double b2, double lo, double hi) {
  using rule = boost::math::quadrature::gauss<double, 12>;
  const auto& x = rule::abscissa();
  const auto& w = rule::weights();
  const double mid = 0.5 * (lo + hi);
  const double half = 0.5 * (hi - lo);
  PanelSums sums;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (const double phi : {mid - half * x[i], mid + half * x[i]}) {
      const double half_sine = std::sin(0.5 * phi);
      const double sine = std::sin(phi);
      const double cosine = std::cos(phi);
      const double kernel = -2.0 * plackett::exp_or_zero(-b2 / (1.0 + cosine)) *
                            std::expm1(-2.0 * b2 * cosine / (sine * sine));
      sums.kernel += w[i] * half * kernel;
      sums.weighted += w[i] * half * 2.0 * half_sine * half_sine * kernel;
    }
  }
  return sums;
}

// The two terms of the deficit at the angle theta = acos(c) in [0, pi/2],
// for b = 1/sqrt(q): F(cos theta) and int_0^theta (1 - cos phi) kernel / (2 pi).
struct PriceTerms {
  double rectangle;
  double weighted;
};

PriceTerms price_terms(double b, double theta) {
  const double b2 = b * b;
  // Panels [theta/2, theta], [theta/4, theta/2], ... as in the Plackett
  // kernel's fixed rule (activations/plackett_kernel.hpp: each panel lies
  // inside the Bernstein ellipse of parameter ~4 of the analytic region): the
  // kernel's scales near phi = 0 are ~b (where 1 - exp(-2 b^2 / phi^2)
  // switches on) and ~1/b (the Gaussian exp(-b^2 / (1 + cos phi))); below an
  // eighth of the smaller one it is flat to 1e-14, and one panel [0, finest]
  // closes the rule.
  const double finest = std::min(b, 1.0 / b) / 8.0;
  PanelSums below;
  double hi = theta;
  while (hi > finest) {
    const auto sums = panel(b2, 0.5 * hi, hi);
    below.kernel += sums.kernel;
    below.weighted += sums.weighted;
    hi *= 0.5;
  }
  const auto last = panel(b2, 0.0, hi);
  below.kernel += last.kernel;
  below.weighted += last.weighted;
  // F(c) = F(1) - int_0^theta kernel / (2 pi) while that loses at most a bit;
  // otherwise F(0) + int_theta^(pi/2) kernel / (2 pi), F(0) = F(1)^2, summed
  // over panels [x, 2x] (inside the same analytic region).
  const double f_one = normal_interval(-b, b);
  double f_c = f_one - below.kernel / two_pi;
  if (below.kernel / two_pi > 0.5 * f_one) {
    double above = 0.0;
    for (double lo = theta; lo < half_pi; lo *= 2.0)
      above += panel(b2, lo, std::min(2.0 * lo, half_pi)).kernel;
    f_c = f_one * f_one + above / two_pi;
  }
  return {f_c, below.weighted / two_pi};
}

}  // namespace

double HardTanh::cross_moment_deficit(double q, double c) const {
  if (c >= 1.0) return 0.0;
  // Below c = 0 the kernel changes sign; no c* lies there.
  if (c < 0.0) return SmoothActivation::cross_moment_deficit(q, c);
  const auto terms = price_terms(1.0 / std::sqrt(q), 2.0 * std::asin(std::sqrt(0.5 * (1.0 - c))));
  return q * ((1.0 - c) * terms.rectangle + terms.weighted);
}

double HardTanh::cross_moment_deficit_per_angle(double q, double theta) const {
  if (theta == 0.0) return 0.0;  // the deficit vanishes like theta^2
  const auto terms = price_terms(1.0 / std::sqrt(q), theta);
  // 1 - cos theta = 2 sin^2(theta/2), divided by theta in factors that do
  // not underflow.
  const double half_sine = std::sin(0.5 * theta);
  return q * (2.0 * half_sine * (half_sine / theta) * terms.rectangle + terms.weighted / theta);
}

double HardTanh::cross_moment_slope_at_angle(double q, double theta) const {
  return q * price_terms(1.0 / std::sqrt(q), theta).rectangle;
}

}  // namespace qmf::detail
