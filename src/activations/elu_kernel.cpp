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
// variances, or c < 0, at large q) the pair is conditioned on u1 instead:
// u2 | u1 is normal, E[phi(u2) | u1] and E[phi'(u2) | u1] are closed forms
// (conditional_moments), and one 1-D quadrature over u1 remains (a 2-D one
// per correlation had cost elu 7 s for a kernel of depth 10).
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <vector>

#include "activations/angle_integral.hpp"
#include "activations/common_smooth_activations.hpp"
#include "activations/elu_orthants.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"

namespace qmf::detail {

namespace {

constexpr double pi = boost::math::constants::pi<double>();
// E[phi(v)] and E[phi'(v)] for v ~ N(mu, sigma^2), phi = x for x > 0 and
// alpha (e^x - 1) otherwise (elu without its scale). With x = mu / sigma,
// the exponential branch is alpha (T - Phi(-x)), T = E[e^v 1{v <= 0}] =
// e^(mu + sigma^2/2) Phi(-x - sigma) = e^(-x^2/2) M(x + sigma) for x + sigma
// > 0 (M the Mills ratio e^(y^2/2) Phi(-y); nothing overflows), directly
// otherwise (then mu + sigma^2/2 <= 0).
struct ConditionalMoments {
  double value;
  double slope;
};
ConditionalMoments conditional_moments(double alpha, double mu, double sigma) {
  if (sigma == 0.0)
    return mu > 0.0 ? ConditionalMoments{mu, 1.0}
                    : ConditionalMoments{alpha * std::expm1(mu), alpha * std::exp(mu)};
  const double x = mu / sigma;
  const double y = x + sigma;
  const double tilted = y > 0.0 ? std::exp(-0.5 * x * x) * mills(y)
                                : std::exp(mu + 0.5 * sigma * sigma) * normal_cdf(-y);
  const double positive = normal_cdf(x);
  return {mu * positive + sigma * normal_pdf(x) + alpha * (tilted - normal_cdf(-x)),
          positive + alpha * tilted};
}

// E[phi'(r1 z1) phi'(r2 z2)] / scale^2.
double derivative_product(double alpha, double r1, double r2, const Angle& angle) {
  const double both_positive = 0.5 - angle.t / (2.0 * pi);
  return both_positive + alpha * (one_positive(r2, angle) + one_positive(r1, angle)) +
         alpha * alpha * both_exponential(r1, r2, angle);
}

}  // namespace

double Elu::conditioned_moment(double q1, double q2, double c, bool derivatives) const {
  const double r1 = std::sqrt(q1);
  const double r2 = std::sqrt(q2);
  const double spread = r2 * std::sqrt((1.0 - c) * (1.0 + c));
  const auto integrand = [&](double z) {
    const double u = r1 * z;
    const auto given = conditional_moments(alpha_, r2 * c * z, spread);
    if (derivatives) return (u > 0.0 ? 1.0 : alpha_ * std::exp(u)) * given.slope;
    return (u > 0.0 ? u : alpha_ * std::expm1(u)) * given.value;
  };
  // E[phi'(u2) | u1] smooths phi''s jump at u2 = 0 over z within
  // sqrt(1 - c^2) / |c| of 0 (5e-7 at c = 1 - 1e-13): panels resolve it.
  std::vector<double> breaks = merged_breaks(q1, q2);
  const double width = std::sqrt((1.0 - c) * (1.0 + c)) / std::fabs(c);
  for (double point = width; point > 0.0 && point < 2.0 && point <= 256.0 * width; point *= 4.0) {
    breaks.push_back(point);
    breaks.push_back(-point);
  }
  return scale_ * scale_ * gaussian_expectation(integrand, breaks);
}

double Elu::derivative_second_moment(double q) const {
  if (!orthants_hold(q, q, 1.0)) return SmoothActivation::derivative_second_moment(q);
  const double r = std::sqrt(q);
  return scale_ * scale_ * derivative_product(alpha_, r, r, Angle(0.0));
}

double Elu::derivative_cross_moment(double q1, double q2, double c) const {
  if (!orthants_hold(q1, q2, c)) return conditioned_moment(q1, q2, c, true);
  return scale_ * scale_ *
         derivative_product(alpha_, std::sqrt(q1), std::sqrt(q2), Angle(std::acos(c)));
}

double Elu::derivative_cross_moment_at_angle(double q, double theta) const {
  if (!orthants_hold(q, q, std::cos(theta))) return conditioned_moment(q, q, std::cos(theta), true);
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
  if (!orthants_hold(q, q, c)) {
    // c < 0 (or q > 1e8): E[phi^2] and the cross moment differ by at least
    // phi's variance, so the difference keeps its digits for c < 0.
    if (c < 0.0) return second_moment(q) - conditioned_moment(q, q, c, false);
    return SmoothActivation::cross_moment_deficit(q, c);
  }
  const double r = std::sqrt(q);
  const auto integrand = [&](double t) {
    const Angle angle(t);
    return derivative_product(alpha_, r, r, angle) * angle.sin;
  };
  return q * scale_ * scale_ * angle_integral_from_zero(integrand, r, std::acos(c));
}

double Elu::cross_moment(double q, double c) const {
  if (!orthants_hold(q, q, c)) return conditioned_moment(q, q, c, false);
  return second_moment(q) - cross_moment_deficit(q, c);
}

double Elu::cross_moment_unequal(double q1, double q2, double c) const {
  if (q1 == q2) return cross_moment(q1, c);
  return conditioned_moment(q1, q2, c, false);
}

}  // namespace qmf::detail
