#include "qmf/kernel/mercer_spectrum.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "qmf/errors.hpp"

namespace qmf {

namespace {

// Eigenvalues below this fraction of the largest are mostly rounding (the
// quadrature sums carry ~1e-16 of the largest): the relative change skips them.
constexpr double significant = 1e-6;

void require_dim(int dim) {
  if (dim < 3)
    throw std::invalid_argument("dim must be at least 3 (got " + std::to_string(dim) + ")");
}

// Squared off-diagonal of the Jacobi matrix of the monic polynomials
// orthogonal for (1 - t^2)^a, a = (d - 3) / 2: k (k + 2a) / ((2k + 2a)^2 - 1).
double recurrence_coefficient(double a, int k) {
  const double s = 2.0 * k + 2.0 * a;
  return k * (k + 2.0 * a) / ((s - 1.0) * (s + 1.0));
}

// The eigenvalues and their rounding floors: the kernel values carry a
// relative error of up to ~10 ulp (deep recursions, the Chebyshev deficits of
// step activations cut at 1e-15), which reaches lambda_k as about
// 10 eps E[|K| |P_k|]; 1000 eps E[|K| |P_k|] is the floor.
struct Projection {
  std::vector<double> eigenvalues;
  std::vector<double> floors;
};

Projection eigenvalues_at(const DotProductKernel& kernel, int dim, int max_degree, int n) {
  const SphereQuadrature rule = sphere_quadrature(dim, n);
  const std::vector<double> values = kernel(rule.nodes);
  Projection out{std::vector<double>(max_degree + 1, 0.0),
                 std::vector<double>(max_degree + 1, 0.0)};
  for (int i = 0; i < n; ++i) {
    const std::vector<double> p = sphere_legendre(dim, max_degree, rule.nodes[i]);
    for (int k = 0; k <= max_degree; ++k) {
      out.eigenvalues[k] += rule.weights[i] * values[i] * p[k];
      out.floors[k] += rule.weights[i] * std::abs(values[i] * p[k]);
    }
  }
  for (double& floor : out.floors) floor *= 1000.0 * std::numeric_limits<double>::epsilon();
  return out;
}

}  // namespace

SphereQuadrature sphere_quadrature(int dim, int n) {
  require_dim(dim);
  if (n < 1)
    throw std::invalid_argument("nodes must be at least 1 (got " + std::to_string(n) + ")");
  // Golub-Welsch: the nodes are the eigenvalues of the Jacobi matrix (zero
  // diagonal, the weight being even). GSL's gsl_integration_fixed_jacobi
  // would do the same but overflows Gamma(alpha + 1) beyond d ~ 340.
  const double a = 0.5 * (dim - 3);
  Eigen::VectorXd diagonal = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd off(std::max(n - 1, 1));
  for (int k = 1; k < n; ++k) off[k - 1] = std::sqrt(recurrence_coefficient(a, k));
  SphereQuadrature rule;
  rule.nodes.resize(n);
  rule.weights.resize(n);
  if (n == 1) {
    rule.nodes[0] = 0.0;
    rule.weights[0] = 1.0;
    return rule;
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, off.head(n - 1), Eigen::EigenvaluesOnly);
  // Weights from the Christoffel function, 1 / sum_k p_k(x)^2 over the
  // orthonormal polynomials (total mass 1): O(n^2), no eigenvectors needed.
  for (int i = 0; i < n; ++i) {
    const double x = solver.eigenvalues()[i];
    double previous = 0.0, current = 1.0, sum = 1.0;
    for (int k = 0; k + 1 < n; ++k) {
      const double back = k == 0 ? 0.0 : off[k - 1] * previous;
      const double next = (x * current - back) / off[k];
      previous = current;
      current = next;
      sum += current * current;
      // Beyond this the weight is below 1e-300 (a node far in the tail of a
      // concentrated weight at large d): zero, before the squares overflow.
      if (std::abs(current) > 1e150) break;
    }
    rule.nodes[i] = x;
    rule.weights[i] = 1.0 / sum;
  }
  return rule;
}

std::vector<double> sphere_legendre(int dim, int max_degree, double t) {
  require_dim(dim);
  std::vector<double> p(max_degree + 1);
  p[0] = 1.0;
  if (max_degree >= 1) p[1] = t;
  for (int k = 1; k < max_degree; ++k)
    p[k + 1] = ((2.0 * k + dim - 2.0) * t * p[k] - k * p[k - 1]) / (k + dim - 2.0);
  return p;
}

double harmonic_multiplicity(int dim, int k) {
  require_dim(dim);
  if (k == 0) return 1.0;
  // (2k + d - 2) / k * binom(k + d - 3, k - 1), via log-gamma (large d, k).
  const double log_binomial =
      std::lgamma(k + dim - 2.0) - std::lgamma(double(k)) - std::lgamma(dim - 1.0);
  return (2.0 * k + dim - 2.0) / k * std::exp(log_binomial);
}

MercerSpectrum mercer_spectrum(const DotProductKernel& kernel, int dim, int max_degree,
                               double tolerance, int max_doublings) {
  require_dim(dim);
  if (max_degree < 0)
    throw std::invalid_argument("eigen must be at least 0 (got " + std::to_string(max_degree) +
                                ")");
  int n = max_degree + 64;
  Projection coarse = eigenvalues_at(kernel, dim, max_degree, n);
  MercerSpectrum spectrum;
  for (int doubling = 0; doubling < std::max(max_doublings, 1); ++doubling) {
    n *= 2;
    Projection fine = eigenvalues_at(kernel, dim, max_degree, n);
    for (const double x : fine.eigenvalues)
      if (!std::isfinite(x))
        throw numerical_error("the Funk-Hecke eigenvalues are not finite at " + std::to_string(n) +
                              " quadrature nodes (the kernel is not finite on [-1, 1])");
    double largest = 0.0;
    for (const double x : fine.eigenvalues) largest = std::max(largest, std::abs(x));
    spectrum.relative_change = spectrum.absolute_change = 0.0;
    for (int k = 0; k <= max_degree; ++k) {
      const double change = std::abs(fine.eigenvalues[k] - coarse.eigenvalues[k]);
      spectrum.absolute_change = std::max(spectrum.absolute_change, change / largest);
      // Resolved means above rounding and above its own change on doubling.
      fine.floors[k] = std::max(fine.floors[k], change);
      if (std::abs(fine.eigenvalues[k]) > significant * largest)
        spectrum.relative_change =
            std::max(spectrum.relative_change, change / std::abs(fine.eigenvalues[k]));
    }
    spectrum.eigenvalues = fine.eigenvalues;
    spectrum.floors = fine.floors;
    spectrum.nodes = n;
    if (spectrum.relative_change <= tolerance) break;
    coarse = std::move(fine);
  }
  return spectrum;
}

DecayFits fit_decay(std::span<const double> eigenvalues, std::span<const double> floors) {
  if (floors.size() != eigenvalues.size())
    throw std::invalid_argument("floors must have one entry per eigenvalue");
  std::vector<double> k, log_k, log_lambda;
  for (std::size_t i = 1; i < eigenvalues.size(); ++i)
    if (eigenvalues[i] > floors[i] && eigenvalues[i] > 0.0) {
      k.push_back(double(i));
      log_k.push_back(std::log(double(i)));
      log_lambda.push_back(std::log(eigenvalues[i]));
    }
  if (k.size() < 3)
    throw numerical_error(
        "fewer than 3 degrees k >= 1 have an eigenvalue above rounding: no decay fit");
  DecayFits fits;
  fits.degrees = int(k.size());
  fits.last_degree = int(k.back());
  fits.exponential = fit_line(k, log_lambda);
  fits.power = fit_line(log_k, log_lambda);
  return fits;
}

}  // namespace qmf
