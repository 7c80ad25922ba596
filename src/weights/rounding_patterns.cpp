#include "weights/rounding_patterns.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

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

namespace {

// Whether the whole table for `inputs` inputs has at most `inputs_cap` inputs
// and `bytes_cap` bytes.
bool table_within(const WeightSpec& spec, int inputs, int inputs_cap, std::size_t bytes_cap) {
  if (spec.kind == WeightSpec::Kind::gaussian || inputs < 1 || inputs > inputs_cap) return false;
  const std::int64_t entries = (spec.grid().cells << inputs) + 2;
  return entries * (8 * inputs + 12) <= static_cast<std::int64_t>(bytes_cap);
}

}  // namespace

bool fits_whole_table(const WeightSpec& spec, int inputs) {
  return table_within(spec, inputs, max_whole_inputs, max_whole_bytes);
}

bool simulation_draws_table(const WeightSpec& spec, int inputs) {
  return table_within(spec, inputs, max_drawn_inputs, max_drawn_bytes);
}

RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs) {
  if (inputs < 1) throw std::invalid_argument("rounding_patterns: at least one input");
  RoundingPatterns d;
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  if (!fits_whole_table(spec, inputs))
    throw std::invalid_argument("rounding_patterns: " + spec.text + " for " +
                                std::to_string(inputs) + " inputs exceeds a whole table");
  const auto grid = spec.grid();
  d.inputs = inputs;
  d.lowest = -grid.top;
  d.spacing = grid.spacing;
  d.cells = grid.cells;
  // Every (cell, pattern); by exchangeability a pattern's probability
  // depends on its count of ones.
  d.entries.push_back({0, 0, normal_cdf(d.lowest)});
  d.entries.push_back({d.cells, 0, normal_sf(-d.lowest)});
  std::vector<double> by_ones(inputs + 1);
  for (std::int64_t c = 0; c < d.cells; ++c) {
    const double a = d.lowest + d.spacing * static_cast<double>(c);
    for (int k = 0; k <= inputs; ++k) by_ones[k] = pattern_probability(a, d.spacing, k, inputs);
    for (std::int64_t pattern = 0; pattern < std::int64_t{1} << inputs; ++pattern)
      d.entries.push_back({c, static_cast<std::uint64_t>(pattern),
                           by_ones[std::popcount(static_cast<std::uint64_t>(pattern))]});
  }
  return d;
}

}  // namespace qmf
