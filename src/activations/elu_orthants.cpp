// Two routes to each tilted orthant of elu's kernel, for c = cos t > 0:
//
// - Owen's T, with its arguments formed from the angle (sin t/c, and
//   r2 sin t/(r1 + c r2), which is tan(t/2) at equal variances): a few
//   special functions, but Owen's lower orthant for two negative thresholds
//   is the difference of terms larger than itself by ~e^(q sin^2 t / 2).
// - Beyond q sin^2 t = 2, Plackett's integral in the angle, for equal
//   variances: with rho = sin(theta) = cos(u), P(z1 < h, z2 < k) =
//   Phi(h) Phi(k) + (1/2 pi) int exp(-(h^2 + k^2 - 2 h k sin theta) / (2 cos^2 theta)).
//   Its integrand times the tilt is exp(E(u)) with E = 0 at u = t and E < 0
//   beyond, written without cancellation:
//     one exponential branch: E = -r^2 (cos u - cos t)^2 / (2 sin^2 u),
//     both:                   E = -r^2 (1 + c) (cos t - cos u) / (1 + cos u),
//   and the product of the marginals as Mills ratios. The first integral
//   enters with a minus sign (correlation -c): the result is the marginal
//   term times P(z1 > -c r | z2 <= -r), which costs a few digits' worth of
//   rounding at most (a factor 7 at q = 999, 1 - c = 1e-4, where r sin t = 0.45
//   and this route stands in for Owen's only because e^(2q) would overflow).
// For c < 0 (no cancellation of digits near c = 1) the library's
// bivariate_normal_upper, for q <= 8; c = 0 is a product of Mills ratios.
#include "activations/elu_orthants.hpp"

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/owens_t.hpp>
#include <stdexcept>

#include "qmf/numerics/gaussian.hpp"

namespace qmf::detail {

namespace {

constexpr double half_pi = boost::math::constants::half_pi<double>();
constexpr double one_div_two_pi = boost::math::constants::one_div_two_pi<double>();
constexpr double one_div_root_two_pi = boost::math::constants::one_div_root_two_pi<double>();
// q sin^2 t up to which Owen's formula loses at most a factor e to cancellation.
constexpr double largest_owen_exponent = 2.0;
// Owen's route multiplies by e^(r^2/2) or e^((r1 + r2)^2/2) at most: finite.
constexpr double largest_tilt_exponent = 700.0;

// int_t^(pi/2) exp(E(u)) du for an exponent with E(t) = 0 that falls with u
// on the scale `scale` (linearly or faster), by the 8-point Gauss-Legendre
// rule on panels 1, 2 and 4 scales wide (each accurate to ~1e-17 of the peak
// where its integrand is still that large), until the rest is below 1e-17
// of the sum. An exponent with 1/sin u in it is analytic only away from
// u = 0: its panels are also at most half as wide as their distance from 0
// (Bernstein ellipse ~10, so 8 nodes reach ~1e-16 even where t << 1/r).
template <class Exponent>
double falling_tail(const Exponent& exponent, double t, double scale, bool pole_at_zero) {
  const auto integrand = [&](double u) { return std::exp(exponent(u)); };
  double sum = 0.0;
  for (double lo = t; lo < half_pi;) {
    const double x = (lo - t) / scale;
    double width = scale * (x < 8.0 ? 1.0 : (x < 20.0 ? 2.0 : 4.0));
    if (pole_at_zero) width = std::min(width, 0.5 * lo);
    const double hi = std::min(half_pi, lo + width);
    sum += boost::math::quadrature::gauss<double, 8>::integrate(integrand, lo, hi);
    if (integrand(hi) * (half_pi - hi) <= 1e-17 * sum) break;
    lo = hi;
  }
  return sum;
}

// The integrand's scale in u: 1/r where the exponent falls quadratically
// from u = t (one_positive: -r^2 (u - t)^2 / 2 near t), 1/(r^2 sin t) where it
// falls linearly (both_exponential). Panels of the linear scale on the
// quadratic fall were r sin t times too many: 2.7 s for a maps point of
// elu,a=1e4 (q* = 1e8), minutes beyond (review of 30 Nov).
double quadratic_fall_scale(double r) { return std::min(1.0, 1.0 / r); }
double linear_fall_scale(double r, const Angle& angle) {
  return std::min({1.0, 1.0 / r, 1.0 / (r * r * angle.sin)});
}

bool owen_holds(double r1, double r2, const Angle& angle) {
  const double r = std::max(r1, r2);
  return r * r * angle.sin * angle.sin <= largest_owen_exponent &&
         0.5 * (r1 + r2) * (r1 + r2) <= largest_tilt_exponent;
}

}  // namespace

// e^(x^2/2) Phi(-x) for x >= 0 (the Mills ratio over sqrt(2 pi)); beyond
// x = 26, where e^(x^2/2) nears overflow, by the Mills ratio's continued
// fraction 1/(x + 1/(x + 2/(x + ...))), 40 levels (converged to rounding there).
double mills(double x) {
  if (x <= 26.0) return std::exp(0.5 * x * x) * normal_sf(x);
  double tail = x;
  for (int k = 40; k >= 1; --k) tail = x + k / tail;
  return one_div_root_two_pi / tail;
}

double one_positive(double r, const Angle& angle) {
  const double c = angle.cos;
  if (angle.t == 0.0) return 0.0;       // z1 = z2 cannot lie on both sides of -r
  if (c == 0.0) return 0.5 * mills(r);  // independent: P(z1 > 0) e^(r^2/2) Phi(-r)
  if (c < 0.0) return std::exp(0.5 * r * r) * bivariate_normal_upper(-c * r, r, -c);
  if (owen_holds(r, r, angle)) {
    // P(-z1 < c r, z2 < -r) at correlation -c, where the second T vanishes
    // and the rest is 1/2 of the narrow interval Phi(r) - Phi(c r).
    return std::exp(0.5 * r * r) *
           (boost::math::owens_t(c * r, angle.sin / c) - 0.5 * normal_interval(c * r, r));
  }
  const auto exponent = [&](double u) {
    // cos u - cos t = -2 sin((u + t)/2) sin((u - t)/2).
    const double gap = 2.0 * std::sin(0.5 * (u + angle.t)) * std::sin(0.5 * (u - angle.t));
    const double s = std::sin(u);
    return -0.5 * r * r * (gap / s) * (gap / s);
  };
  return normal_cdf(c * r) * mills(r) -
         one_div_two_pi * falling_tail(exponent, angle.t, quadratic_fall_scale(r), true);
}

double both_exponential(double r1, double r2, const Angle& angle) {
  const double c = angle.cos;
  const double h = r1 + c * r2;
  const double k = c * r1 + r2;
  if (angle.t == 0.0) return mills(h);         // z1 = z2: e^(h^2/2) Phi(-h), h = r1 + r2
  if (c == 0.0) return mills(r1) * mills(r2);  // independent
  if (c < 0.0)
    return std::exp(0.5 * (r1 * r1 + 2.0 * c * r1 * r2 + r2 * r2)) *
           bivariate_normal_upper(h, k, c);
  if (owen_holds(r1, r2, angle)) {
    // Owen's a-arguments (k - c h)/(h sin t) = r2 sin t / h and r1 sin t / k.
    return std::exp(0.5 * (r1 * r1 + 2.0 * c * r1 * r2 + r2 * r2)) *
           (0.5 * (normal_sf(h) + normal_sf(k)) - boost::math::owens_t(h, r2 * angle.sin / h) -
            boost::math::owens_t(k, r1 * angle.sin / k));
  }
  if (r1 != r2) throw std::logic_error("both_exponential: Plackett's route needs equal variances");
  const double r = r1;
  const double rise = r * r * (1.0 + c);
  const auto exponent = [&](double u) {
    const double gap = 2.0 * std::sin(0.5 * (u + angle.t)) * std::sin(0.5 * (u - angle.t));
    return -rise * gap / (1.0 + std::cos(u));
  };
  // e^(r^2 (1 + c)) Phi(-h)^2 = e^(-c r^2 (1 + c)) mills(h)^2, h = r (1 + c).
  const double marginals = std::exp(-c * rise) * mills(h) * mills(h);
  return marginals +
         one_div_two_pi * falling_tail(exponent, angle.t, linear_fall_scale(r, angle), false);
}

bool orthants_hold(double q1, double q2, double c) {
  if (c < 0.0) return std::max(q1, q2) <= largest_owen_exponent;
  if (q1 == q2) return q1 <= 1e8;  // Plackett's route where Owen's fails
  const double r1 = std::sqrt(q1);
  const double r2 = std::sqrt(q2);
  return owen_holds(r1, r2, Angle(std::acos(c)));
}

}  // namespace qmf::detail
