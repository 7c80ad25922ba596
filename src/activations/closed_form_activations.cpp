// Kernels with closed forms (erf, relu, linear) and the one-dimensional
// moments of hard-tanh; tanh has none and keeps the quadrature of
// SmoothActivation.
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <limits>

#include "activations/smooth_activations.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf::detail {

namespace {
constexpr double pi = boost::math::constants::pi<double>();
constexpr double two_over_root_pi = boost::math::constants::two_div_root_pi<double>();
constexpr double infinity = std::numeric_limits<double>::infinity();
}  // namespace

double Tanh::value(double x) const { return std::tanh(x); }

double Tanh::derivative(double x) const {
  const double sech = 1.0 / std::cosh(x);
  return sech * sech;
}

double Tanh::difference(double mid, double half_gap) const {
  // tanh a - tanh b = 2 sinh(a - b) / (cosh(a + b) + cosh(a - b)); numerator
  // and denominator are scaled by e^-m, m the largest |exponent|, so that
  // neither overflows (cosh overflows beyond 710, which sqrt(q) z reaches at
  // q ~ 3500).
  const double sum = 2.0 * mid;
  const double gap = 2.0 * half_gap;
  const double m = std::max(std::fabs(sum), std::fabs(gap));
  // 2 sinh(gap) e^-m without cancellation for small gaps, and without
  // overflow for large ones (where the difference of exponentials is exact).
  const double numerator = std::fabs(gap) < 700.0 ? 2.0 * std::sinh(gap) * std::exp(-m)
                                                  : std::exp(gap - m) - std::exp(-gap - m);
  const double denominator =
      0.5 * (std::exp(sum - m) + std::exp(-sum - m) + std::exp(gap - m) + std::exp(-gap - m));
  return numerator / denominator;
}

double HardTanh::value(double x) const { return x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x); }

double HardTanh::difference(double mid, double half_gap) const {
  const double upper = mid + half_gap;
  const double lower = mid - half_gap;
  if (std::fabs(upper) <= 1.0 && std::fabs(lower) <= 1.0) return 2.0 * half_gap;
  return value(upper) - value(lower);
}

double HardTanh::derivative(double x) const { return std::fabs(x) < 1.0 ? 1.0 : 0.0; }

double HardTanh::second_moment(double q) const {
  // P(|u| > 1) + E[u^2; |u| < 1], with b = 1/sqrt(q) the kink in units of sqrt(q).
  const double b = 1.0 / std::sqrt(q);
  const double outside = 2.0 * normal_sf(b);
  return outside + q * (1.0 - outside - 2.0 * b * normal_pdf(b));
}

double HardTanh::second_moment_slope(double q) const {
  // E[phi phi' u]/q = E[u^2; |u| < 1]/q.
  const double b = 1.0 / std::sqrt(q);
  return 1.0 - 2.0 * normal_sf(b) - 2.0 * b * normal_pdf(b);
}

double HardTanh::derivative_second_moment(double q) const {
  const double b = 1.0 / std::sqrt(q);
  return normal_interval(-b, b);
}

double HardTanh::cross_moment_slope(double q, double c) const {
  // q P(|u1| < 1, |u2| < 1): a rectangle probability of the bivariate normal.
  const double b = 1.0 / std::sqrt(q);
  const double rectangle = bivariate_normal_upper(-b, -b, c) -
                           2.0 * bivariate_normal_upper(-b, b, c) + bivariate_normal_upper(b, b, c);
  return q * rectangle;
}

double Erf::value(double x) const { return std::erf(x); }

double Erf::derivative(double x) const { return two_over_root_pi * std::exp(-x * x); }

namespace {
// The arcsine kernel's argument x = 2q / (1 + 2q) and its distance from 1,
// 1 / (1 + 2q), taken directly: at large q, 1 - x computed by subtraction
// would keep only a few digits, and so would 1 - x c near c = 1.
struct ArcsineArgument {
  double x;
  double one_minus_x;
};

ArcsineArgument arcsine_argument(double q) {
  return {2.0 * q / (1.0 + 2.0 * q), 1.0 / (1.0 + 2.0 * q)};
}

// 1 - x c = (1 - x) + x (1 - c), accurate when both x and c are near 1.
double one_minus_product(const ArcsineArgument& a, double c) {
  return a.one_minus_x + a.x * (1.0 - c);
}

// asin(x) for x in [0, 1], given 1 - x: pi/2 - 2 asin(sqrt((1 - x)/2)) near 1,
// where asin itself is ill-conditioned.
double arcsine_near_one(double x, double one_minus_x) {
  return x < 0.5 ? std::asin(x) : 0.5 * pi - 2.0 * std::asin(std::sqrt(0.5 * one_minus_x));
}
}  // namespace

// E[erf(u1) erf(u2)] = (2/pi) asin(2 q c / (1 + 2q)).
double Erf::second_moment(double q) const {
  const auto a = arcsine_argument(q);
  return 2.0 / pi * arcsine_near_one(a.x, a.one_minus_x);
}

double Erf::second_moment_slope(double q) const {
  return 4.0 / (pi * (1.0 + 2.0 * q) * std::sqrt(1.0 + 4.0 * q));
}

double Erf::derivative_second_moment(double q) const {
  return 4.0 / (pi * std::sqrt(1.0 + 4.0 * q));
}

double Erf::cross_moment(double q, double c) const {
  const auto a = arcsine_argument(q);
  const double y = a.x * c;
  return 2.0 / pi *
         std::copysign(arcsine_near_one(std::fabs(y), one_minus_product(a, std::fabs(c))), y);
}

double Erf::cross_moment_deficit(double q, double c) const {
  // asin(x) - asin(y) = asin((x^2 - y^2) / (x sqrt(1 - y^2) + y sqrt(1 - x^2))), with
  // x^2 - y^2 = x^2 (1 - c)(1 + c): no cancellation as c -> 1. The identity
  // needs asin(x) - asin(y) <= pi/2, true for c >= 0; for c < 0 the plain
  // difference is a sum of two positive terms and does not cancel either.
  const auto a = arcsine_argument(q);
  const double x = a.x;
  const double y = x * c;
  if (c < 0.0) return 2.0 / pi * (arcsine_near_one(x, a.one_minus_x) - std::asin(y));
  const double numerator = x * x * (1.0 - c) * (1.0 + c);
  const double denominator =
      x * std::sqrt(one_minus_product(a, c) * (1.0 + y)) + y * std::sqrt(a.one_minus_x * (1.0 + x));
  return 2.0 / pi * std::asin(numerator / denominator);
}

double Erf::cross_moment_slope(double q, double c) const {
  const auto a = arcsine_argument(q);
  const double y = a.x * c;
  return 2.0 / pi * a.x / std::sqrt(one_minus_product(a, std::fabs(c)) * (1.0 + std::fabs(y)));
}

// Unequal norms: (2/pi) asin(2 c sqrt(q1 q2) / sqrt((1 + 2 q1)(1 + 2 q2))).
double Erf::cross_moment_unequal(double q1, double q2, double c) const {
  if (q1 == q2) return cross_moment(q1, c);
  return 2.0 / pi * std::asin(2.0 * c * std::sqrt(q1 * q2 / ((1.0 + 2.0 * q1) * (1.0 + 2.0 * q2))));
}

// E[erf'(u1) erf'(u2)] = (4/pi) / sqrt((1 + 2 q1)(1 + 2 q2) - 4 c^2 q1 q2).
double Erf::derivative_cross_moment(double q1, double q2, double c) const {
  return 4.0 / (pi * std::sqrt((1.0 + 2.0 * q1) * (1.0 + 2.0 * q2) - 4.0 * c * c * q1 * q2));
}

// E[u erf(u)] = q E[erf'(u)] = 2 q / sqrt(pi (1 + 2q)).
double Erf::input_moment(double q) const { return 2.0 * q / std::sqrt(pi * (1.0 + 2.0 * q)); }

// s = 2 sqrt(q) / sqrt(pi (1 + 2q)).
double Erf::stein_log_slope(double q) const { return 0.5 / (1.0 + 2.0 * q); }

double Relu::bound() const { return infinity; }

double Relu::mean(double q) const { return std::sqrt(q / (2.0 * pi)); }

namespace {
// The angle between the two inputs, accurate as c -> 1.
double angle(double c) { return 2.0 * std::asin(std::sqrt(0.5 * (1.0 - c))); }
}  // namespace

// Arc-cosine kernel: E[relu(u1) relu(u2)] = q (sin t + (pi - t) cos t) / (2 pi), t = acos c.
double Relu::cross_moment(double q, double c) const {
  const double t = angle(c);
  return q * (std::sin(t) + (pi - t) * c) / (2.0 * pi);
}

double Relu::cross_moment_deficit(double q, double c) const {
  return cross_moment_deficit_at_angle(q, angle(c));
}

double Relu::cross_moment_deficit_at_angle(double q, double t) const {
  // q/2 - cross = q (pi (1 - c) + t cos t - sin t) / (2 pi) with 1 - c =
  // 2 sin^2(t/2); t cos t - sin t cancels for small t, so use its series there.
  double t_cos_minus_sin = t * std::cos(t) - std::sin(t);
  if (t < 1e-2) {
    const double t2 = t * t;
    t_cos_minus_sin = -t * t2 * (1.0 / 3.0 - t2 * (1.0 / 30.0 - t2 / 840.0));
  }
  const double half_sine = std::sin(0.5 * t);
  return q * (2.0 * pi * half_sine * half_sine + t_cos_minus_sin) / (2.0 * pi);
}

double Relu::cross_moment_slope(double q, double c) const {
  return q * (pi - angle(c)) / (2.0 * pi);
}

double Relu::cross_moment_unequal(double q1, double q2, double c) const {
  return cross_moment(1.0, c) * std::sqrt(q1 * q2);
}

// E[1{u1 > 0} 1{u2 > 0}] = (pi - acos c) / (2 pi), whatever the norms.
double Relu::derivative_cross_moment(double /*q1*/, double /*q2*/, double c) const {
  return (pi - angle(c)) / (2.0 * pi);
}

double Relu::derivative_cross_moment_at_angle(double /*q*/, double theta) const {
  return (pi - theta) / (2.0 * pi);
}

double Linear::bound() const { return infinity; }

}  // namespace qmf::detail
