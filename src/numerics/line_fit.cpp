#include "qmf/numerics/line_fit.hpp"

#include <cmath>
#include <stdexcept>

namespace qmf {

LineFit fit_line(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = x.size();
  if (y.size() != n) throw std::invalid_argument("a line fit needs as many y as x values");
  if (n < 3)
    throw std::invalid_argument("a line fit with a standard error needs at least 3 points");
  double mean_x = 0.0;
  double mean_y = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= n;
  mean_y /= n;
  // Centred sums: the uncentred normal equations would cancel badly for
  // log N values clustered far from 0.
  double sxx = 0.0;
  double sxy = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  if (!(sxx > 0.0)) throw std::invalid_argument("a line fit needs at least two distinct x values");
  LineFit fit;
  fit.slope = sxy / sxx;
  fit.intercept = mean_y - fit.slope * mean_x;
  double ssr = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = y[i] - fit.intercept - fit.slope * x[i];
    ssr += r * r;
  }
  fit.slope_stderr = std::sqrt(ssr / static_cast<double>(n - 2) / sxx);
  fit.r2 = syy > 0.0 ? 1.0 - ssr / syy : 1.0;
  return fit;
}

}  // namespace qmf
