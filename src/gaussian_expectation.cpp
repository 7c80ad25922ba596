#include "qmf/gaussian_expectation.hpp"

#include "adaptive_gauss_kronrod.hpp"
#include "qmf/gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace qmf {

namespace {
// Beyond |z| = 12 the density is below 1e-31: negligible against any
// integrand that grows at most polynomially (relu, linear).
constexpr double z_limit = 12.0;
constexpr double relative_tolerance = 1e-14;
constexpr unsigned max_depth = 18;

// Integral of f over [-z_limit, z_limit], split at the sorted, clipped points.
template <class F>
double split_integral(F&& f, std::vector<double>& points) {
  points.push_back(-z_limit);
  points.push_back(z_limit);
  for (double& p : points) p = std::clamp(p, -z_limit, z_limit);
  std::sort(points.begin(), points.end());
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    if (points[i + 1] <= points[i]) continue;
    total += detail::adaptive_gauss_kronrod(f, points[i], points[i + 1], relative_tolerance,
                                            max_depth);
  }
  return total;
}
}  // namespace

double gaussian_expectation(const std::function<double(double)>& f,
                            std::span<const double> breaks) {
  std::vector<double> points(breaks.begin(), breaks.end());
  points.push_back(0.0);
  return split_integral([&](double z) { return f(z) * normal_pdf(z); }, points);
}

double bivariate_gaussian_expectation(const std::function<double(double, double)>& f,
                                      double rho, std::span<const double> breaks) {
  rho = std::clamp(rho, -1.0, 1.0);
  const double s = std::sqrt((1.0 - rho) * (1.0 + rho));
  if (s == 0.0) return gaussian_expectation([&](double z) { return f(z, rho * z); }, breaks);
  // z2 = rho z1 + s w with w independent of z1; the kinks of f in z2 sit at
  // w = (b - rho z1) / s, and z2 = 0 (where most activations are steepest)
  // at w = -rho z1 / s.
  auto inner = [&](double z1) {
    std::vector<double> points;
    points.reserve(breaks.size() + 1);
    points.push_back(-rho * z1 / s);
    for (double b : breaks) points.push_back((b - rho * z1) / s);
    return split_integral([&](double w) { return f(z1, rho * z1 + s * w) * normal_pdf(w); },
                          points);
  };
  std::vector<double> points(breaks.begin(), breaks.end());
  points.push_back(0.0);
  return split_integral([&](double z1) { return inner(z1) * normal_pdf(z1); }, points);
}

}  // namespace qmf
