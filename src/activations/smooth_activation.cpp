#include "qmf/activations/smooth_activation.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>

#include "qmf/numerics/gaussian_expectation.hpp"

namespace qmf {

std::vector<double> SmoothActivation::breaks_in_z(double q) const {
  std::vector<double> z = kinks();
  const double scale = 1.0 / std::sqrt(q);
  for (double& x : z) x *= scale;
  // phi(sqrt(q) z) changes on the scale 1/sqrt(q) around z = 0. A quadrature
  // panel much wider than that can place no node inside the change and then
  // sees nothing to refine (at q = 1e9 it would report E[phi'^2] = 0), so
  // panels grow geometrically from that scale, over |u| = |sqrt(q) z| <= 64
  // where an activation's features lie (tanh is flat to rounding beyond
  // |u| = 20), and stop below |z| = 2. (None for q = inf, where the scale is 0.)
  for (double point = scale; point > 0.0 && point < 2.0 && point <= 64.0 * scale; point *= 4.0) {
    z.push_back(point);
    z.push_back(-point);
  }
  return z;
}

double SmoothActivation::mean(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation([&](double z) { return value(root_q * z); }, breaks_in_z(q));
}

double SmoothActivation::second_moment(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
      [&](double z) {
        const double phi = value(root_q * z);
        return phi * phi;
      },
      breaks_in_z(q));
}

double SmoothActivation::second_moment_slope(double q) const {
  // d/dq E[phi(sqrt(q) z)^2] = E[phi(u) phi'(u) u] / q.
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
             [&](double z) {
               const double u = root_q * z;
               return value(u) * derivative(u) * u;
             },
             breaks_in_z(q)) /
         q;
}

double SmoothActivation::derivative_second_moment(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
      [&](double z) {
        const double d = derivative(root_q * z);
        return d * d;
      },
      breaks_in_z(q));
}

double SmoothActivation::cross_moment(double q, double c) const {
  const double root_q = std::sqrt(q);
  return bivariate_gaussian_expectation(
      [&](double z1, double z2) { return value(root_q * z1) * value(root_q * z2); }, c,
      breaks_in_z(q));
}

double SmoothActivation::cross_moment_unequal(double q1, double q2, double c) const {
  if (q1 == q2) return cross_moment(q1, c);
  const double root_q1 = std::sqrt(q1);
  const double root_q2 = std::sqrt(q2);
  return bivariate_gaussian_expectation(
      [&](double z1, double z2) { return value(root_q1 * z1) * value(root_q2 * z2); }, c,
      merged_breaks(q1, q2));
}

double SmoothActivation::derivative_cross_moment(double q1, double q2, double c) const {
  const double root_q1 = std::sqrt(q1);
  const double root_q2 = std::sqrt(q2);
  return bivariate_gaussian_expectation(
      [&](double z1, double z2) { return derivative(root_q1 * z1) * derivative(root_q2 * z2); }, c,
      merged_breaks(q1, q2));
}

double SmoothActivation::input_moment(double q) const {
  const double root_q = std::sqrt(q);
  return root_q *
         gaussian_expectation([&](double z) { return z * value(root_q * z); }, breaks_in_z(q));
}

double SmoothActivation::stein_log_slope(double q) const {
  // s(q) = E[z phi(sqrt(q) z)]: q s'(q) = sqrt(q) E[z^2 phi'(sqrt(q) z)] / 2.
  const double root_q = std::sqrt(q);
  const double slope_part = gaussian_expectation(
      [&](double z) { return z * z * derivative(root_q * z); }, breaks_in_z(q));
  return 0.5 * q * slope_part / input_moment(q);
}

std::vector<double> SmoothActivation::merged_breaks(double q1, double q2) const {
  std::vector<double> breaks = breaks_in_z(q1);
  const std::vector<double> second = breaks_in_z(q2);
  breaks.insert(breaks.end(), second.begin(), second.end());
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  return breaks;
}

double SmoothActivation::difference(double mid, double half_gap) const {
  const double lo = mid - std::fabs(half_gap);
  const double hi = mid + std::fabs(half_gap);
  const auto kink_points = kinks();
  const bool smooth_between = std::none_of(kink_points.begin(), kink_points.end(),
                                           [&](double x) { return lo < x && x < hi; });
  // For a small gap the two values nearly cancel; the integral of phi' over
  // the gap does not. A 10-point Gauss-Legendre rule integrates it to
  // rounding while phi' is smooth on the scale of the gap (the Taylor
  // remainder of order 20 is far below 1e-16 for |half_gap| <= 1/8 and phi'
  // analytic in a unit neighbourhood); beyond, the values differ enough for a
  // direct difference, and across a kink the rule would not hold.
  if (std::fabs(half_gap) > 0.125 || !smooth_between)
    return value(mid + half_gap) - value(mid - half_gap);
  return half_gap * boost::math::quadrature::gauss<double, 10>::integrate(
                        [&](double t) { return derivative(mid + half_gap * t); }, -1.0, 1.0);
}

double SmoothActivation::cross_moment_deficit(double q, double c) const {
  // E[(phi(u1) - phi(u2))^2] / 2 with u1,2 = sqrt(q) (m +- h): the
  // half-difference h is drawn directly, so nothing cancels as c -> 1.
  const double root_q = std::sqrt(q);
  return 0.5 * symmetric_bivariate_expectation(
                   [&](double m, double h) {
                     const double d = difference(root_q * m, root_q * h);
                     return d * d;
                   },
                   c, breaks_in_z(q));
}

double SmoothActivation::cross_moment_slope(double q, double c) const {
  // Price's theorem: d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)].
  const double root_q = std::sqrt(q);
  return q * bivariate_gaussian_expectation(
                 [&](double z1, double z2) {
                   return derivative(root_q * z1) * derivative(root_q * z2);
                 },
                 c, breaks_in_z(q));
}

}  // namespace qmf
