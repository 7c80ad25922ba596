#include "smooth_activations.hpp"

#include "qmf/gaussian_expectation.hpp"

#include <cmath>

namespace qmf::detail {

std::vector<double> SmoothActivation::kinks_in_z(double q) const {
  std::vector<double> z = kinks();
  const double scale = 1.0 / std::sqrt(q);
  for (double& x : z) x *= scale;
  return z;
}

double SmoothActivation::mean(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation([&](double z) { return value(root_q * z); }, kinks_in_z(q));
}

double SmoothActivation::second_moment(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
      [&](double z) {
        const double phi = value(root_q * z);
        return phi * phi;
      },
      kinks_in_z(q));
}

double SmoothActivation::second_moment_slope(double q) const {
  // d/dq E[phi(sqrt(q) z)^2] = E[phi(u) phi'(u) u] / q.
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
             [&](double z) {
               const double u = root_q * z;
               return value(u) * derivative(u) * u;
             },
             kinks_in_z(q)) /
         q;
}

double SmoothActivation::derivative_second_moment(double q) const {
  const double root_q = std::sqrt(q);
  return gaussian_expectation(
      [&](double z) {
        const double d = derivative(root_q * z);
        return d * d;
      },
      kinks_in_z(q));
}

double SmoothActivation::cross_moment(double q, double c) const {
  const double root_q = std::sqrt(q);
  return bivariate_gaussian_expectation(
      [&](double z1, double z2) { return value(root_q * z1) * value(root_q * z2); }, c,
      kinks_in_z(q));
}

double SmoothActivation::cross_moment_deficit(double q, double c) const {
  const double root_q = std::sqrt(q);
  return 0.5 * bivariate_gaussian_expectation(
                   [&](double z1, double z2) {
                     const double d = value(root_q * z1) - value(root_q * z2);
                     return d * d;
                   },
                   c, kinks_in_z(q));
}

double SmoothActivation::cross_moment_slope(double q, double c) const {
  // Price's theorem: d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)].
  const double root_q = std::sqrt(q);
  return q * bivariate_gaussian_expectation(
                 [&](double z1, double z2) {
                   return derivative(root_q * z1) * derivative(root_q * z2);
                 },
                 c, kinks_in_z(q));
}

}  // namespace qmf::detail
