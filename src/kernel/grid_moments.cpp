#include "kernel/grid_moments.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <complex>
#include <numbers>
#include <optional>
#include <unsupported/Eigen/FFT>

#include "activations/hermite_series.hpp"

namespace qmf::detail {

namespace {

constexpr double pi = std::numbers::pi;

double slope_at_angle(const Activation& phi, double q, double angle) {
  return phi.has_angle_form() ? phi.cross_moment_slope_at_angle(q, angle)
                              : phi.cross_moment_slope(q, std::cos(angle));
}

// The DCT-II y_k = sum_j g_j cos(pi k (2j + 1) / (2n)) of n values by one
// complex FFT of the same length (Makhoul 1980): v = (g_0, g_2, g_4, ...,
// g_5, g_3, g_1), y_k = Re(exp(-i pi k / (2n)) V_k). O(n log n) instead of
// the n^2 products of the sum as written.
std::vector<double> dct2(const std::vector<double>& g) {
  const int n = static_cast<int>(g.size());
  std::vector<std::complex<double>> v(n), spectrum;
  for (int j = 0; 2 * j < n; ++j) v[j] = g[2 * j];
  for (int j = 0; 2 * j + 1 < n; ++j) v[n - 1 - j] = g[2 * j + 1];
  Eigen::FFT<double> fft;
  fft.fwd(spectrum, v);
  std::vector<double> y(n);
  for (int k = 0; k < n; ++k) y[k] = (spectrum[k] * std::polar(1.0, -0.5 * pi * k / n)).real();
  return y;
}

// The integral G(x) = sum_k b_k T_k(x) of the Chebyshev interpolant of
// g(theta(x)), theta = pi (1 - x) / 2, on n points of the first kind (no
// endpoint: g's factors are singular there, their product is not).
struct ChebyshevIntegral {
  std::vector<double> b;
  bool converged = false;

  ChebyshevIntegral(const Activation& phi, double q, int n) {
    std::vector<double> g(n);
    for (int j = 0; j < n; ++j) {
      const double x = std::cos((j + 0.5) * pi / n), theta = 0.5 * pi * (1.0 - x);
      g[j] = std::sin(theta) * slope_at_angle(phi, q, theta);
    }
    std::vector<double> c = dct2(g);
    double size = 0.0;
    for (int k = 0; k < n; ++k) {
      c[k] *= (k == 0 ? 1.0 : 2.0) / n;
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
    // Trailing terms whose absolute sum is below 1e-17 of the largest move
    // no value (|T_k| <= 1) and would cost a Clenshaw step at every cosine.
    double largest = 0.0, dropped = 0.0;
    for (const double v : b) largest = std::max(largest, std::fabs(v));
    while (b.size() > 2 && dropped + std::fabs(b.back()) <= 1e-17 * largest) {
      dropped += std::fabs(b.back());
      b.pop_back();
    }
  }

  // Clenshaw's sum of b_k T_k(x) at every x, `lanes` points at a time: their
  // recurrences are independent, so they overlap instead of each waiting on
  // its own chain of multiplications (the same operations for every point).
  [[nodiscard]] std::vector<double> operator()(const std::vector<double>& x) const {
    constexpr std::size_t lanes = 32;
    std::vector<double> out(x.size());
    for (std::size_t i0 = 0; i0 < x.size(); i0 += lanes) {
      const std::size_t m = std::min(lanes, x.size() - i0);
      double two_x[lanes] = {}, next[lanes] = {}, after[lanes] = {};
      for (std::size_t l = 0; l < m; ++l) two_x[l] = 2.0 * x[i0 + l];
      for (std::size_t k = b.size() - 1; k >= 1; --k)
        for (std::size_t l = 0; l < lanes; ++l) {
          const double current = two_x[l] * next[l] - after[l] + b[k];
          after[l] = next[l];
          next[l] = current;
        }
      for (std::size_t l = 0; l < m; ++l) out[i0 + l] = x[i0 + l] * next[l] - after[l];  // b_0 = 0
    }
    return out;
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
  for (const double a : angles) d.push_back(phi.cross_moment_deficit_at_angle(q, a));
  return d;
}

namespace {

// The Hermite series of phi at q where it has a certified one.
std::optional<HermiteSeries> certified_series(const Activation& phi, double q) {
  std::optional<HermiteSeries> series;
  if (phi.has_fast_hermite_series()) {
    series.emplace(phi, q);
    if (!series->certified()) series.reset();
  }
  return series;
}

// The deficits (and slopes) of pair_moments, from the series where given.
PairMoments deficits_and_slopes(const Activation& phi, double q, std::span<const double> angles,
                                int& points, bool slopes,
                                const std::optional<HermiteSeries>& series) {
  PairMoments m;
  if (series) {
    // One set of Hermite coefficients per layer serves every angle.
    for (const double a : angles) {
      const double c = std::cos(a);
      m.deficit.push_back(series->deficit(c));
      if (slopes) m.slope.push_back(series->slope(c));
    }
    return m;
  }
  if (slopes) m.slope = cross_moment_slopes(phi, q, angles);
  // A few angles are cheaper one by one; smooth activations without a fast
  // series keep their own route.
  if (!phi.has_angle_form() || angles.size() < 64) {
    m.deficit = cross_moment_deficits_pointwise(phi, q, angles);
    return m;
  }
  for (int n = std::clamp(points, 64, 1024); n <= 1024; n *= 2) {
    const ChebyshevIntegral integral(phi, q, n);
    if (!integral.converged) continue;
    points = n;
    std::vector<double> x{1.0};
    for (const double a : angles) x.push_back(1.0 - 2.0 * a / pi);
    const std::vector<double> sums = integral(x);
    m.deficit.reserve(angles.size());
    for (std::size_t i = 1; i < sums.size(); ++i)
      m.deficit.push_back(0.5 * pi * (sums[0] - sums[i]));
    return m;
  }
  m.deficit = cross_moment_deficits_pointwise(phi, q, angles);
  return m;
}

}  // namespace

std::vector<double> cross_moment_deficits(const Activation& phi, double q,
                                          std::span<const double> angles, int& points) {
  return deficits_and_slopes(phi, q, angles, points, false, certified_series(phi, q)).deficit;
}

double small_correlation_cross_moment(const Activation& phi, double q, double c) {
  const double mean = phi.is_odd() ? 0.0 : phi.mean(q);  // its quadrature leaves ~1e-17
  const double rise = boost::math::quadrature::gauss<double, 20>::integrate(
      [&](double x) { return phi.cross_moment_slope(q, x); }, std::min(0.0, c), std::max(0.0, c));
  return mean * mean + std::copysign(rise, c);
}

PairMoments pair_moments(const Activation& phi, double q, std::span<const double> angles,
                         std::span<const double> cosines, int& points, bool slopes) {
  const std::optional<HermiteSeries> series = certified_series(phi, q);
  PairMoments m = deficits_and_slopes(phi, q, angles, points, slopes, series);
  const double square = phi.second_moment(q);
  m.cross.reserve(angles.size());
  for (std::size_t i = 0; i < angles.size(); ++i) {
    double cross = square - m.deficit[i];
    const double c = cosines[i];
    // Below 2^-10 E[phi^2] the difference keeps fewer than 43 bits (~1e-13).
    if (std::fabs(c) <= 0.5 && std::fabs(cross) < square / 1024.0)
      cross = series ? series->cross(c) : small_correlation_cross_moment(phi, q, c);
    m.cross.push_back(cross);
  }
  return m;
}

std::vector<double> cross_moment_slopes(const Activation& phi, double q,
                                        std::span<const double> angles) {
  std::vector<double> s;
  s.reserve(angles.size());
  for (const double a : angles) s.push_back(slope_at_angle(phi, q, a));
  return s;
}

}  // namespace qmf::detail
