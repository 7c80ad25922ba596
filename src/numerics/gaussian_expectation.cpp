#include "qmf/numerics/gaussian_expectation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "numerics/adaptive_gauss_kronrod.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf {

namespace {
// Beyond |z| = 12 the density is below 1e-31: negligible against any
// integrand that grows at most polynomially (relu, linear).
constexpr double z_limit = 12.0;
constexpr double relative_tolerance = 1e-14;
// The first, coarse pass of a two-dimensional expectation only has to find
// its order of magnitude.
constexpr double coarse_tolerance = 1e-6;
constexpr std::size_t coarse_panels = 64;
// Split at its kinks and steep points, an inner integral of a two-dimensional
// expectation is smooth and needs a few panels; one that exhausts this budget
// is rounding noise (an integrand that cancels), better reported than refined
// for minutes.
constexpr std::size_t inner_panels = 400;

// The panel boundaries: the given points clipped to [-z_limit, z_limit],
// with 0 (where most activations are steepest) and the ends added.
std::vector<double> panel_points(std::vector<double> points) {
  points.push_back(0.0);
  points.push_back(-z_limit);
  points.push_back(z_limit);
  for (double& p : points) p = std::clamp(p, -z_limit, z_limit);
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}
}  // namespace

double gaussian_expectation(const std::function<double(double)>& f,
                            std::span<const double> breaks) {
  const auto points = panel_points({breaks.begin(), breaks.end()});
  return detail::integrate_converged([&](double z) { return f(z) * normal_pdf(z); }, points,
                                     {relative_tolerance, 0.0})
      .integral;
}

double symmetric_bivariate_expectation(const std::function<double(double, double)>& g, double rho,
                                       std::span<const double> breaks) {
  rho = std::clamp(rho, -1.0, 1.0);
  // m = alpha x, h = beta y with x, y independent standard normals.
  const double alpha = std::sqrt(0.5 * (1.0 + rho));
  const double beta = std::sqrt(0.5 * (1.0 - rho));
  std::vector<double> kinks(breaks.begin(), breaks.end());
  kinks.push_back(0.0);  // where most activations are steepest
  if (beta == 0.0) return gaussian_expectation([&](double x) { return g(x, 0.0); }, kinks);
  // z1 = m + h and z2 = m - h cross a kink b at y = +-(b - alpha x) / beta.
  auto inner_points = [&](double x) {
    std::vector<double> points;
    points.reserve(2 * kinks.size());
    for (double b : kinks) {
      points.push_back((b - alpha * x) / beta);
      points.push_back((alpha * x - b) / beta);
    }
    return panel_points(std::move(points));
  };
  auto inner_integrand = [&](double x) {
    return [&g, m = alpha * x, beta](double y) { return g(m, beta * y) * normal_pdf(y); };
  };
  // A kink b of z1 or z2 lies inside the inner range [-z_limit, z_limit] only
  // for |alpha x - b| <= z_limit beta: as rho -> 1 a narrow band, which the
  // outer quadrature would step over unless the band is a panel of its own.
  std::vector<double> outer_points;
  if (alpha > 0.0) {
    for (double b : kinks)
      for (double offset : {-z_limit * beta, 0.0, z_limit * beta})
        outer_points.push_back((b + offset) / alpha);
  }
  outer_points = panel_points(std::move(outer_points));
  // Far out in x an inner integral can be tiny against the whole; a relative
  // tolerance would refine it to no purpose. Its error only has to be small
  // against E|g|, so a coarse first pass, on a small panel budget, finds E|g|
  // and sets an absolute tolerance. The inner integrals get a tenth of the
  // outer one, so that their errors do not read as roughness of the outer
  // integrand.
  const double scale =
      detail::integrate_adaptive(
          [&](double x) {
            return detail::integrate_adaptive(inner_integrand(x), inner_points(x),
                                              {coarse_tolerance, 0.0}, coarse_panels)
                       .l1_norm *
                   normal_pdf(x);
          },
          outer_points, {coarse_tolerance, 0.0}, coarse_panels)
          .integral;
  const detail::QuadratureTolerance outer{relative_tolerance, relative_tolerance * scale};
  const detail::QuadratureTolerance inner{relative_tolerance, 0.1 * relative_tolerance * scale};
  return detail::integrate_converged(
             [&](double x) {
               return detail::integrate_converged(inner_integrand(x), inner_points(x), inner,
                                                  inner_panels)
                          .integral *
                      normal_pdf(x);
             },
             outer_points, outer)
      .integral;
}

double bivariate_gaussian_expectation(const std::function<double(double, double)>& f, double rho,
                                      std::span<const double> breaks) {
  return symmetric_bivariate_expectation([&](double m, double h) { return f(m + h, m - h); }, rho,
                                         breaks);
}

}  // namespace qmf
