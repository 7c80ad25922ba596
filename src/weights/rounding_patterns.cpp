#include "weights/rounding_patterns.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <stdexcept>

#include "qmf/numerics/gaussian.hpp"

namespace qmf {

double pattern_probability(double a, double spacing, int ones, int inputs) {
  // Gauss-Legendre on panels of at most half a standard deviation: the
  // integrand is a polynomial of degree m <= 12 in p = (z - a) / D times a
  // Gaussian that varies little over a panel, so 20 nodes (exact to degree
  // 39) are exact to double rounding. Narrow cells (D <= 0.05) with m <= 8
  // take 10 nodes (exact to degree 19): phi(a + D p)'s Taylor terms beyond
  // p^11 carry D^12 / 12! < 1e-24. Powers by multiplication: the whole
  // tables of fine grids (16 382 entries for bits:12) are built per net.
  const int panels = std::max(1, static_cast<int>(std::ceil(spacing / 0.5)));
  const double width = spacing / panels;
  const auto integrand = [&](double z) {
    const double p = (z - a) / spacing;
    double value = normal_pdf(z);
    for (int k = 0; k < ones; ++k) value *= p;
    for (int k = ones; k < inputs; ++k) value *= 1.0 - p;
    return value;
  };
  const bool narrow = spacing <= 0.05 && inputs <= 8;
  double sum = 0.0;
  for (int i = 0; i < panels; ++i) {
    const double lo = a + i * width;
    const double hi = a + (i + 1) * width;
    sum += narrow ? boost::math::quadrature::gauss<double, 10>::integrate(integrand, lo, hi)
                  : boost::math::quadrature::gauss<double, 20>::integrate(integrand, lo, hi);
  }
  return sum;
}

double RoundingPatterns::residual() const {
  double sum = 0.0;
  for (const auto& b : blocks) sum += b.probability;
  return sum;
}

RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs) {
  if (inputs < 1) throw std::invalid_argument("rounding_patterns: at least one input");
  RoundingPatterns d;
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  const auto grid = spec.grid();
  d.inputs = inputs;
  d.lowest = -grid.top;
  d.spacing = grid.spacing;
  d.cells = grid.cells;
  const std::int64_t cells = grid.cells;
  // Clipped weights: every input at the lowest level, or at the top one.
  d.entries.push_back({0, 1, 0, normal_cdf(-grid.top)});
  d.entries.push_back({cells, 1, 0, normal_sf(grid.top)});
  const auto limit = static_cast<std::int64_t>(max_pattern_entries);
  const bool patterns = inputs < 62 && (std::int64_t{1} << inputs) <= limit / 4;
  const std::int64_t per_block = patterns ? std::int64_t{1} << inputs : 0;
  if (inputs < 62 && (cells << inputs) + 2 <= static_cast<std::int64_t>(max_whole_entries)) {
    // Whole: every (cell, pattern); by exchangeability a pattern's
    // probability depends on its count of ones.
    std::vector<double> by_ones(inputs + 1);
    for (std::int64_t c = 0; c < cells; ++c) {
      const double a = d.lowest + d.spacing * static_cast<double>(c);
      for (int k = 0; k <= inputs; ++k) by_ones[k] = pattern_probability(a, d.spacing, k, inputs);
      for (std::int64_t pattern = 0; pattern < std::int64_t{1} << inputs; ++pattern)
        d.entries.push_back({c, 1, static_cast<std::uint64_t>(pattern),
                             by_ones[std::popcount(static_cast<std::uint64_t>(pattern))]});
    }
    return d;
  }
  // Blocks of 2^g cells, at most `capacity` of them in the table (leaving
  // 1/64 of its columns to the residual); the least g whose blocks exceed
  // that by at most 1/32, those beyond (at the top edge) residual only.
  const std::int64_t capacity = (limit - 2 - limit / 64) / std::max<std::int64_t>(per_block, 1);
  int g = 0;
  while ((cells >> g) > capacity + capacity / 32) ++g;
  const std::int64_t span = std::int64_t{1} << g;
  const double width = d.spacing * static_cast<double>(span);
  // P(pattern with k ones | p ~ U(0, 1)) = 1 / ((m + 1) binomial(m, k)).
  std::vector<double> uniform_p(inputs + 1);
  if (patterns) {
    double binomial = 1.0;
    for (int k = 0; k <= inputs; ++k) {
      uniform_p[k] = 1.0 / ((inputs + 1) * binomial);
      binomial = binomial * (inputs - k) / (k + 1);
    }
  }
  const std::int64_t whole_blocks = cells >> g;
  for (std::int64_t j = 0; j < whole_blocks; ++j) {
    const std::int64_t first = j * span;
    const double z0 = d.lowest + d.spacing * static_cast<double>(first);
    const double z1 = z0 + width;
    const bool tabulated = patterns && j < capacity;
    const double floor = tabulated ? std::min(normal_pdf(z0), normal_pdf(z1)) : 0.0;
    for (std::int64_t pattern = 0; tabulated && pattern < per_block; ++pattern)
      d.entries.push_back(
          {first, span, static_cast<std::uint64_t>(pattern),
           floor * width * uniform_p[std::popcount(static_cast<std::uint64_t>(pattern))]});
    d.blocks.push_back(
        {first, span, floor, std::max(0.0, normal_interval(z0, z1) - floor * width)});
  }
  // The cells beyond the last whole block: residual only.
  const std::int64_t rest = whole_blocks * span;
  if (rest < cells)
    d.blocks.push_back(
        {rest, cells - rest, 0.0,
         normal_interval(d.lowest + d.spacing * static_cast<double>(rest), grid.top)});
  return d;
}

}  // namespace qmf
