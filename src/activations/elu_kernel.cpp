// The correlation integrals of elu and selu in closed form (issue 14: 10 and
// 31 ms per phase point by the 2-D adaptive rule).
//
// With phi'(u) = s (1{u > 0} + a e^u 1{u <= 0}) and u_i = r_i z_i, tilting the
// Gaussian by e^(w . z) shifts it by Sigma w, so each sign pattern of
// E[phi'(u1) phi'(u2)] is an orthant probability times an exponential:
//   E[phi' phi'] / s^2 = P(z1 > 0, z2 > 0)
//     + a e^(r2^2/2) P(z1 > -c r2, z2 <= -r2) + (the same with 1 <-> 2)
//     + a^2 e^((r1^2 + 2 c r1 r2 + r2^2)/2) P(z1 <= -(r1 + c r2), z2 <= -(c r1 + r2)),
// the tilted orthants of elu_orthants.cpp. The first probability is
// 1/2 - t/(2 pi) from the angle t = acos(c), exact where 1 - c rounds away.
//
// The deficit E[phi^2] - E[phi(u1) phi(u2)] is, by Price's theorem, the
// integral of the slope q E[phi' phi'] from c to 1, here in the angle:
// int_0^theta S(cos t) sin t dt, with a positive integrand (phi' > 0), so
// nothing cancels as c -> 1. Where the orthants would lose digits (unequal
// variances, or c < 0, at large q) the quadrature of SmoothActivation
// answers instead.
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>

#include "activations/angle_integral.hpp"
#include "activations/common_smooth_activations.hpp"
#include "activations/elu_orthants.hpp"

namespace qmf::detail {

namespace {

constexpr double pi = boost::math::constants::pi<double>();
// E[phi'(r1 z1) phi'(r2 z2)] / scale^2.
double derivative_product(double alpha, double r1, double r2, const Angle& angle) {
  const double both_positive = 0.5 - angle.t / (2.0 * pi);
  return both_positive + alpha * (one_positive(r2, angle) + one_positive(r1, angle)) +
         alpha * alpha * both_exponential(r1, r2, angle);
}

}  // namespace

double Elu::derivative_second_moment(double q) const {
  if (!orthants_hold(q, q, 1.0)) return SmoothActivation::derivative_second_moment(q);
  const double r = std::sqrt(q);
  return scale_ * scale_ * derivative_product(alpha_, r, r, Angle(0.0));
}

double Elu::derivative_cross_moment(double q1, double q2, double c) const {
  if (!orthants_hold(q1, q2, c)) return SmoothActivation::derivative_cross_moment(q1, q2, c);
  return scale_ * scale_ *
         derivative_product(alpha_, std::sqrt(q1), std::sqrt(q2), Angle(std::acos(c)));
}

double Elu::derivative_cross_moment_at_angle(double q, double theta) const {
  if (!orthants_hold(q, q, std::cos(theta)))
    return SmoothActivation::derivative_cross_moment_at_angle(q, theta);
  const double r = std::sqrt(q);
  return scale_ * scale_ * derivative_product(alpha_, r, r, Angle(theta));
}

double Elu::cross_moment_slope(double q, double c) const {
  return q * derivative_cross_moment(q, q, c);
}

double Elu::cross_moment_deficit(double q, double c) const {
  if (c >= 1.0) return 0.0;
  // The integral meets every correlation from c to 1; at equal variances the
  // orthants hold on all of them when they hold at c.
  if (!orthants_hold(q, q, c)) return SmoothActivation::cross_moment_deficit(q, c);
  const double r = std::sqrt(q);
  const auto integrand = [&](double t) {
    const Angle angle(t);
    return derivative_product(alpha_, r, r, angle) * angle.sin;
  };
  return q * scale_ * scale_ * angle_integral_from_zero(integrand, r, std::acos(c));
}

double Elu::cross_moment(double q, double c) const {
  if (!orthants_hold(q, q, c)) return SmoothActivation::cross_moment(q, c);
  return second_moment(q) - cross_moment_deficit(q, c);
}

}  // namespace qmf::detail
