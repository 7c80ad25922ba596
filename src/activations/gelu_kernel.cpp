// The Gaussian kernels of gelu, phi(x) = x Phi(x), in closed form (before:
// the 2-D adaptive rule wherever its Hermite series was not certified, q above
// ~66, some 4 ms per correlation: `qmf kernel --act gelu --sw2 3 --depth 100`
// took minutes).
//
// Phi(x) = P(z <= x) for an independent standard z, so with a_i = u_i - z_i,
//   E[phi(u1) phi(u2)] = E[u1 u2 1{a1 >= 0} 1{a2 >= 0}],
// a polynomial moment of a 4-D Gaussian on an orthant. Gaussian integration by
// parts in u1 and the conditional moments given a_i = 0 give, for variances
// q1, q2, covariance r = c sqrt(q1 q2), v_i = 1 + q_i and
// S^2 = v1 v2 - r^2 = 1 + q1 + q2 + q1 q2 (1 - c^2),
//   E[phi phi]   = r atan2(S, -r) / (2 pi) + (q1 q2 S^2 + r^2) / (2 pi v1 v2 S),
//   E[phi' phi'] = atan2(S, -r) / (2 pi) + r ((q1 + q2 + 3) S^2 + r^2) / (2 pi v1 v2 S^3),
// the second the derivative of the first in r (Price's theorem). atan2(S, -r)
// is pi/2 + asin(r / sqrt(v1 v2)), well conditioned for every r, and S^2 as
// written has no cancellation. As q -> inf both tend to relu's arc-cosine
// kernels. tests/reference/smooth_activations.py integrates the same moments
// another way (closed-form conditional expectations, 1-D quadrature).
#include <boost/math/constants/constants.hpp>
#include <cmath>

#include "activations/angle_integral.hpp"
#include "activations/common_smooth_activations.hpp"

namespace qmf::detail {

namespace {

constexpr double two_pi = boost::math::constants::two_pi<double>();

// The pair (u1, u2) through the quantities of the closed forms, written so
// that nothing overflows before q does (q1 q2 S^2 would at q ~ 1e154): S is
// the hypotenuse of sqrt(1 + q1 + q2) and sqrt(q1 q2 (1 - c^2)).
struct GeluPair {
  GeluPair(double q1, double q2, double r, double spread)
      : q1(q1),
        q2(q2),
        r(r),
        s(std::hypot(std::sqrt(1.0 + q1 + q2), spread)),
        angle(std::atan2(s, -r)) {}
  // At correlation c: 1 - c^2 = (1 - c)(1 + c), exact for c near 1.
  static GeluPair at_correlation(double q1, double q2, double c) {
    const double root = std::sqrt(q1) * std::sqrt(q2);
    return {q1, q2, c * root, root * std::sqrt((1.0 - c) * (1.0 + c))};
  }
  // At equal variances and the angle t = acos(c): 1 - c^2 = sin^2 t.
  static GeluPair at_angle(double q, double t) { return {q, q, q * std::cos(t), q * std::sin(t)}; }
  [[nodiscard]] double cross() const {
    const double w1 = q1 / (1.0 + q1), w2 = q2 / (1.0 + q2);
    const double r1 = r / (1.0 + q1), r2 = r / (1.0 + q2);
    return (r * angle + w1 * w2 * s + r1 * r2 / s) / two_pi;
  }
  [[nodiscard]] double derivative_cross() const {
    const double ratio = r / s;
    return (angle + ratio / (1.0 + q1) / (1.0 + q2) * ((q1 + q2 + 3.0) + ratio * ratio)) / two_pi;
  }
  double q1, q2, r, s, angle;
};

}  // namespace

double Gelu::mean(double q) const { return q / std::sqrt(two_pi * (1.0 + q)); }

double Gelu::second_moment(double q) const { return GeluPair::at_angle(q, 0.0).cross(); }

// d/dq E[phi^2] = atan2(S, -q) / (2 pi) + q (4 q^2 + 11 q + 5) / (2 pi (1 + q)^2 S^3),
// S = sqrt(1 + 2q): the derivative of the closed form above at c = 1.
double Gelu::second_moment_slope(double q) const {
  const GeluPair pair = GeluPair::at_angle(q, 0.0);
  const double v = 1.0 + q;
  const double rational =
      (q / v) * ((4.0 * q + 11.0) * (q / v) + 5.0 / v) / pair.s / pair.s / pair.s;
  return (pair.angle + rational) / two_pi;
}

double Gelu::derivative_second_moment(double q) const {
  return GeluPair::at_angle(q, 0.0).derivative_cross();
}

double Gelu::cross_moment(double q, double c) const {
  return GeluPair::at_correlation(q, q, c).cross();
}

double Gelu::cross_moment_unequal(double q1, double q2, double c) const {
  return GeluPair::at_correlation(q1, q2, c).cross();
}

double Gelu::derivative_cross_moment(double q1, double q2, double c) const {
  return GeluPair::at_correlation(q1, q2, c).derivative_cross();
}

double Gelu::derivative_cross_moment_at_angle(double q, double theta) const {
  return GeluPair::at_angle(q, theta).derivative_cross();
}

double Gelu::cross_moment_slope(double q, double c) const {
  return q * derivative_cross_moment(q, q, c);
}

// The difference of the two closed forms loses the digits of 1 - c as c -> 1;
// the integral of the slope over the angle keeps them. For c <= 1/2 the
// difference loses at most a factor ~3 (relu's E[phi^2] / deficit at c = 1/2 is
// 2.6) and costs no quadrature, whose panels grade down to the scale 1/sqrt(q).
double Gelu::cross_moment_deficit(double q, double c) const {
  if (c >= 1.0) return 0.0;
  if (c <= 0.5) return second_moment(q) - cross_moment(q, c);
  const auto integrand = [&](double t) {
    return GeluPair::at_angle(q, t).derivative_cross() * std::sin(t);
  };
  return q * angle_integral_from_zero(integrand, std::sqrt(q),
                                      2.0 * std::asin(std::sqrt(0.5 * (1.0 - c))));
}

// E[u phi(u)] = q E[phi'(u)] = q / 2 (Stein), since u pdf(u) is odd.
double Gelu::input_moment(double q) const { return 0.5 * q; }

}  // namespace qmf::detail
