#include "weights/level_sampler.hpp"

#include <cmath>

#include "qmf/numerics/gaussian.hpp"

namespace qmf {

namespace {

// int_a^b (z - a) phi(z) dz and int_a^b (b - z) phi(z) dz, from
// int_a^b z phi(z) dz = phi(a) - phi(b).
struct CellMoments {
  double from_lower;
  double from_upper;
};
CellMoments cell_moments(double a, double b) {
  const double mass = normal_interval(a, b);
  const double first = normal_pdf(a) - normal_pdf(b);
  return {first - a * mass, b * mass - first};
}

}  // namespace

LevelDistribution level_distribution(const WeightSpec& spec) {
  LevelDistribution d;
  const auto half = spec.positive_levels();
  if (half.empty()) return d;
  for (auto y = half.rbegin(); y != half.rend(); ++y)
    if (*y > 0.0) d.levels.push_back(-*y);
  for (const double y : half) d.levels.push_back(y);
  const std::size_t count = d.levels.size();
  d.probabilities.assign(count, 0.0);
  if (spec.rounding == Rounding::nearest) {
    for (std::size_t k = 0; k < count; ++k) {
      const double lo = k == 0 ? -INFINITY : 0.5 * (d.levels[k - 1] + d.levels[k]);
      const double hi = k + 1 == count ? INFINITY : 0.5 * (d.levels[k] + d.levels[k + 1]);
      d.probabilities[k] = normal_interval(lo, hi);
    }
    return d;
  }
  // Stochastic: each cell [y_k, y_k+1] sends z up with probability (z - y_k) / D.
  const double top = d.levels.back();
  d.probabilities.front() = normal_sf(top);
  d.probabilities.back() = normal_sf(top);
  for (std::size_t k = 0; k + 1 < count; ++k) {
    const double a = d.levels[k];
    const double b = d.levels[k + 1];
    const CellMoments m = cell_moments(a, b);
    d.probabilities[k] += m.from_upper / (b - a);
    d.probabilities[k + 1] += m.from_lower / (b - a);
  }
  return d;
}

std::vector<AliasColumn> alias_columns(const std::vector<double>& probabilities) {
  // Vose: scaled probabilities K p_k; small columns (< 1) are topped up by
  // large ones, which become the alias; what is left over is kept whole.
  const std::size_t count = probabilities.size();
  double total = 0.0;
  for (const double p : probabilities) total += p;
  std::vector<double> scaled(count);
  std::vector<std::size_t> small, large;
  for (std::size_t k = 0; k < count; ++k) {
    scaled[k] = probabilities[k] / total * static_cast<double>(count);
    (scaled[k] < 1.0 ? small : large).push_back(k);
  }
  std::vector<AliasColumn> columns(count);
  for (std::size_t k = 0; k < count; ++k) columns[k] = {1.0, k};
  while (!small.empty() && !large.empty()) {
    const std::size_t s = small.back();
    const std::size_t l = large.back();
    small.pop_back();
    columns[s] = {scaled[s], l};
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers (1 up to rounding) are kept whole: threshold 1 from above.
  return columns;
}

LevelSampler::LevelSampler(const LevelDistribution& d) {
  const auto columns = alias_columns(d.probabilities);
  column_.resize(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k)
    column_[k] = {columns[k].threshold, {d.levels[k], d.levels[columns[k].alias]}};
}

}  // namespace qmf
