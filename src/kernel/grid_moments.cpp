#include "kernel/grid_moments.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace qmf::detail {

namespace {

constexpr double pi = std::numbers::pi;

double slope_at_angle(const Activation& phi, double q, double angle) {
  return phi.has_angle_form() ? phi.cross_moment_slope_at_angle(q, angle)
                              : phi.cross_moment_slope(q, std::cos(angle));
}

// The integral G(x) = sum_k b_k T_k(x) of the Chebyshev interpolant of
// g(theta(x)), theta = pi (1 - x) / 2, on n points of the first kind (no
// endpoint: g's factors are singular there, their product is not).
struct ChebyshevIntegral {
  std::vector<double> b;
  bool converged = false;

  ChebyshevIntegral(const Activation& phi, double q, int n) {
    std::vector<double> g(n), c(n, 0.0);
    for (int j = 0; j < n; ++j) {
      const double x = std::cos((j + 0.5) * pi / n), theta = 0.5 * pi * (1.0 - x);
      g[j] = std::sin(theta) * slope_at_angle(phi, q, theta);
    }
    // cos(k (j + 1/2) pi / n) = cos(m pi / (2n)) with m = k (2j + 1) mod 4n.
    std::vector<double> cosine(4 * n);
    for (int m = 0; m < 4 * n; ++m) cosine[m] = std::cos(m * pi / (2 * n));
    double size = 0.0;
    for (int k = 0; k < n; ++k) {
      double sum = 0.0;
      for (int j = 0; j < n; ++j) sum += g[j] * cosine[(k * (2 * j + 1)) % (4 * n)];
      c[k] = (k == 0 ? 1.0 : 2.0) * sum / n;
      size = std::max(size, std::fabs(c[k]));
    }
    double tail = 0.0;
    for (int k = n - 4; k < n; ++k) tail = std::max(tail, std::fabs(c[k]));
    converged = std::isfinite(size) && tail <= 1e-15 * size;
    // Term by term: int T_0 = T_1, int T_1 = T_2 / 4, int T_k = T_(k+1) /
    // (2 (k+1)) - T_(k-1) / (2 (k-1)); b_k = (c_(k-1) - c_(k+1)) / (2k).
    const auto at = [&](int k) { return k < n ? c[k] : 0.0; };
    b.assign(n + 1, 0.0);
    b[1] = c[0] - 0.5 * at(2);
    for (int k = 2; k <= n; ++k) b[k] = (at(k - 1) - at(k + 1)) / (2.0 * k);
  }

  // Clenshaw's sum of b_k T_k(x).
  [[nodiscard]] double operator()(double x) const {
    double next = 0.0, after = 0.0;
    for (std::size_t k = b.size() - 1; k >= 1; --k) {
      const double current = 2.0 * x * next - after + b[k];
      after = next;
      next = current;
    }
    return x * next - after;  // b_0 = 0
  }
};

}  // namespace

double pair_angle(double gap, double q) {
  return 2.0 * std::asin(std::sqrt(std::clamp(0.5 * gap / q, 0.0, 1.0)));
}

std::vector<double> cross_moment_deficits_pointwise(const Activation& phi, double q,
                                                    std::span<const double> angles) {
  std::vector<double> d;
  d.reserve(angles.size());
  for (const double a : angles) d.push_back(phi.cross_moment_deficit(q, std::cos(a)));
  return d;
}

std::vector<double> cross_moment_deficits(const Activation& phi, double q,
                                          std::span<const double> angles, int& points) {
  // A few angles are cheaper one by one; smooth activations' slopes cost a
  // quadrature each and keep their own route.
  if (!phi.has_angle_form() || angles.size() < 64)
    return cross_moment_deficits_pointwise(phi, q, angles);
  for (int n = std::clamp(points, 64, 1024); n <= 1024; n *= 2) {
    const ChebyshevIntegral integral(phi, q, n);
    if (!integral.converged) continue;
    points = n;
    const double at_zero = integral(1.0);
    std::vector<double> d;
    d.reserve(angles.size());
    for (const double a : angles) d.push_back(0.5 * pi * (at_zero - integral(1.0 - 2.0 * a / pi)));
    return d;
  }
  return cross_moment_deficits_pointwise(phi, q, angles);
}

std::vector<double> cross_moment_slopes(const Activation& phi, double q,
                                        std::span<const double> angles) {
  std::vector<double> s;
  s.reserve(angles.size());
  for (const double a : angles) s.push_back(slope_at_angle(phi, q, a));
  return s;
}

}  // namespace qmf::detail
