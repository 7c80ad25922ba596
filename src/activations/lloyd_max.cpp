#include "qmf/activations/lloyd_max.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/errors.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_cell.hpp"

namespace qmf {

namespace {

// One cell of the quantizer seen from its centroid y: P(cell), and the
// distances y - (lower bound) and (upper bound) - y, each computed without
// subtracting nearby numbers (cell_moments gives the centroid's offset from
// the midpoint). A tail cell has an infinite distance on its open side.
struct Cell {
  double probability = 0.0;
  double below = 0.0;  // y - lower bound
  double above = 0.0;  // upper bound - y
};

std::vector<Cell> cells_of(const std::vector<double>& t) {
  const std::size_t count = t.size() + 1;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Cell> cells(count);
  cells.front() = {normal_sf(-t.front()), inf, upper_tail_centroid(-t.front()) + t.front()};
  cells.back() = {normal_sf(t.back()), upper_tail_centroid(t.back()) - t.back(), inf};
  for (std::size_t m = 1; m + 1 < count; ++m) {
    const double half = 0.5 * (t[m] - t[m - 1]);
    const auto moments = cell_moments(0.5 * (t[m] + t[m - 1]), half);
    cells[m] = {moments.probability, half + moments.mean_offset, half - moments.mean_offset};
  }
  return cells;
}

// Midpoint conditions F_k = t_k - (y_(k-1) + y_k) / 2 = (above_(k-1) - below_k) / 2
// for thresholds k = 0..K-1 between cells k and k+1.
double residual(const std::vector<Cell>& cells, std::size_t k) {
  return 0.5 * (cells[k].above - cells[k + 1].below);
}

// Newton step for F(t) = 0. The Jacobian is tridiagonal: a centroid moves with
// its cell's two bounds, dy/d(upper) = pdf(upper) above / P and
// dy/d(lower) = pdf(lower) below / P. Solved by the Thomas algorithm (the
// matrix is diagonally dominant, ~ tridiag(-1/4, 1/2, -1/4) for fine cells).
std::vector<double> newton_step(const std::vector<double>& t, const std::vector<Cell>& cells) {
  const std::size_t n = t.size();
  std::vector<double> pdf(n);
  for (std::size_t k = 0; k < n; ++k) pdf[k] = normal_pdf(t[k]);
  std::vector<double> upper(n);  // modified super-diagonal
  std::vector<double> rhs(n);
  for (std::size_t k = 0; k < n; ++k) {
    const Cell& left = cells[k];
    const Cell& right = cells[k + 1];
    const double diagonal =
        1.0 - 0.5 * pdf[k] * (left.above / left.probability + right.below / right.probability);
    const double sub = k > 0 ? -0.5 * pdf[k - 1] * left.below / left.probability : 0.0;
    const double super = k + 1 < n ? -0.5 * pdf[k + 1] * right.above / right.probability : 0.0;
    const double pivot = diagonal - (k > 0 ? sub * upper[k - 1] : 0.0);
    upper[k] = super / pivot;
    rhs[k] = (residual(cells, k) - (k > 0 ? sub * rhs[k - 1] : 0.0)) / pivot;
  }
  for (std::size_t k = n - 1; k-- > 0;) rhs[k] -= upper[k] * rhs[k + 1];
  return rhs;
}

// The solution is odd-symmetric; averaging each mirror pair keeps it exactly so.
void symmetrize(std::vector<double>& t) {
  const std::size_t n = t.size();
  for (std::size_t k = 0; k < n / 2; ++k) {
    const double s = 0.5 * (t[n - 1 - k] - t[k]);
    t[k] = -s;
    t[n - 1 - k] = s;
  }
  if (n % 2 == 1) t[n / 2] = 0.0;
}

// Panter-Dite companding: for large N the optimal thresholds sit at the
// quantiles of the density proportional to pdf^(1/3), i.e. of N(0, 3).
std::vector<double> companding_guess(int levels) {
  std::vector<double> t(static_cast<std::size_t>(levels - 1));
  for (int k = 1; k < levels; ++k) {
    const double p = static_cast<double>(k) / levels;
    t[k - 1] = -std::sqrt(3.0) * std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p);
  }
  symmetrize(t);
  return t;
}

bool strictly_increasing(const std::vector<double>& t) {
  for (std::size_t k = 1; k < t.size(); ++k)
    if (!(t[k - 1] < t[k])) return false;
  return true;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

}  // namespace

ScalarQuantizer lloyd_max_quantizer(int levels) {
  if (levels < 2)
    throw std::invalid_argument("N must be >= 2 for lloyd:N (got " + std::to_string(levels) + ")");
  std::vector<double> t = companding_guess(levels);
  // Newton converges quadratically until rounding noise: at large N the
  // Jacobian is a discrete Laplacian (condition ~ N^2), so the last steps
  // stall at ~1e-16 sqrt(N) rather than at machine precision. Stop when a step
  // no longer halves the previous one, or is negligible outright.
  double previous = std::numeric_limits<double>::infinity();
  bool converged = false;
  for (int iteration = 0; iteration < 100 && !converged; ++iteration) {
    const auto step = newton_step(t, cells_of(t));
    const double size = max_abs(step);
    std::vector<double> next(t.size());
    // Damp a step that would reorder thresholds (only far from the solution).
    for (double damping = 1.0;; damping *= 0.5) {
      for (std::size_t k = 0; k < t.size(); ++k) next[k] = t[k] - damping * step[k];
      if (strictly_increasing(next)) break;
      if (damping < 1e-10) throw numerical_error("Lloyd-Max iteration lost the threshold order");
    }
    symmetrize(next);
    t = std::move(next);
    converged = size <= 1e-15 || (size < 1e-11 && size > 0.5 * previous);
    previous = size;
  }
  if (!converged)
    throw numerical_error("Lloyd-Max iteration did not converge for N = " + std::to_string(levels));
  ScalarQuantizer quantizer;
  const auto cells = cells_of(t);
  quantizer.levels.resize(cells.size());
  quantizer.levels.front() = t.front() - cells.front().above;
  quantizer.levels.back() = t.back() + cells.back().below;
  for (std::size_t m = 1; m + 1 < cells.size(); ++m)
    quantizer.levels[m] = t[m - 1] + cells[m].below;
  quantizer.thresholds = std::move(t);
  return quantizer;
}

std::unique_ptr<StepActivation> make_lloyd_max_activation(int levels, double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale))
    throw std::invalid_argument("S (the lloyd:N scale) must be a positive finite number (got " +
                                detail::format_number(scale) + ")");
  auto quantizer = lloyd_max_quantizer(levels);
  for (double& t : quantizer.thresholds) t *= scale;
  for (double& y : quantizer.levels) y *= scale;
  return std::make_unique<StepActivation>(
      std::move(quantizer.thresholds), std::move(quantizer.levels),
      "lloyd:" + std::to_string(levels) + ",S=" + detail::format_number(scale));
}

double quantizer_mse(const ScalarQuantizer& quantizer) {
  const auto& t = quantizer.thresholds;
  const auto& y = quantizer.levels;
  if (t.empty() || y.size() != t.size() + 1)
    throw std::invalid_argument("a quantizer needs K >= 1 thresholds and K + 1 levels");
  long double sum = upper_tail_squared_error(-t.front(), -y.front()) +
                    upper_tail_squared_error(t.back(), y.back());
  for (std::size_t m = 1; m < t.size(); ++m) {
    const double mid = 0.5 * (t[m] + t[m - 1]);
    sum += cell_squared_error(mid, 0.5 * (t[m] - t[m - 1]), y[m] - mid);
  }
  return static_cast<double>(sum);
}

}  // namespace qmf
