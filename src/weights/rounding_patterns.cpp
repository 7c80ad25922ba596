#include "weights/rounding_patterns.hpp"

#include <bit>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <stdexcept>

#include "qmf/numerics/gaussian.hpp"
#include "weights/level_sampler.hpp"

namespace qmf {

namespace {

// Columns of the padded table: cells rounded up to a power of two, times 2^m.
std::uint64_t padded_columns(std::int64_t cells, int inputs) {
  return std::bit_ceil(static_cast<std::uint64_t>(cells)) << inputs;
}

}  // namespace

double pattern_probability(double a, double spacing, int ones, int inputs) {
  // Gauss-Legendre, 20 nodes on panels of at most half a standard deviation:
  // the integrand is a polynomial of degree m <= 12 in z times a Gaussian
  // that varies little over a panel, so each panel's rule (exact to degree
  // 39) is exact to double rounding.
  const int panels = std::max(1, static_cast<int>(std::ceil(spacing / 0.5)));
  const double width = spacing / panels;
  const auto integrand = [&](double z) {
    const double p = (z - a) / spacing;
    return normal_pdf(z) * std::pow(p, ones) * std::pow(1.0 - p, inputs - ones);
  };
  double sum = 0.0;
  for (int i = 0; i < panels; ++i)
    sum += boost::math::quadrature::gauss<double, 20>::integrate(integrand, a + i * width,
                                                                 a + (i + 1) * width);
  return sum;
}

RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs) {
  if (inputs < 1 || inputs > 30) throw std::invalid_argument("rounding_patterns: 1 to 30 inputs");
  RoundingPatterns d;
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  const auto grid = spec.grid();
  if (grid.cells > static_cast<std::int64_t>(max_pattern_columns) ||
      padded_columns(grid.cells, inputs) > max_pattern_columns)
    return d;
  d.inputs = inputs;
  d.spacing = grid.spacing;
  const auto cells = static_cast<std::size_t>(grid.cells);
  const std::size_t patterns = std::size_t{1} << inputs;
  d.lower.resize(cells);
  d.probabilities.assign(cells * patterns, 0.0);
  std::vector<double> by_ones(inputs + 1);
  for (std::size_t c = 0; c < cells; ++c) {
    // The grid's levels as WeightRounding::level computes them.
    d.lower[c] = -grid.top + grid.spacing * static_cast<double>(c);
    // By exchangeability a pattern's probability depends on its count of ones.
    for (int k = 0; k <= inputs; ++k)
      by_ones[k] = pattern_probability(d.lower[c], grid.spacing, k, inputs);
    for (std::size_t pattern = 0; pattern < patterns; ++pattern)
      d.probabilities[c * patterns + pattern] = by_ones[std::popcount(pattern)];
  }
  // Clipped weights round to the end levels for every input.
  d.probabilities.front() += normal_cdf(-grid.top);
  d.probabilities.back() += normal_sf(grid.top);
  return d;
}

RoundingPatternSampler::RoundingPatternSampler(const RoundingPatterns& d) : inputs_(d.inputs) {
  const auto cells = static_cast<std::int64_t>(d.lower.size());
  const std::uint64_t count = padded_columns(cells, d.inputs);
  fraction_bits_ = 32 - std::countr_zero(count);
  // Padding entries (cells beyond the grid) have probability 0: always aliased.
  std::vector<double> probabilities(d.probabilities);
  probabilities.resize(count, 0.0);
  const auto columns = alias_columns(probabilities);
  const double scale = std::ldexp(1.0, fraction_bits_);
  const auto m = static_cast<std::size_t>(d.inputs);
  column_.resize(count);
  levels_.resize(count * m);
  for (std::size_t k = 0; k < count; ++k) {
    column_[k] = {
        static_cast<std::uint32_t>(std::lround(columns[k].threshold * scale)),
        {static_cast<std::uint32_t>(k * m), static_cast<std::uint32_t>(columns[k].alias * m)}};
    const double lower = d.lower[std::min<std::size_t>(k >> m, cells - 1)];
    for (std::size_t e = 0; e < m; ++e)
      levels_[k * m + e] = lower + d.spacing * static_cast<double>((k >> e) & 1u);
  }
}

// M > 0: that many inputs, known to the compiler (the copies unroll);
// M = 0: inputs_.
template <int M>
void RoundingPatternSampler::sample_inputs(const std::uint64_t* words, double* const* rows,
                                           long count) const {
  const int m = M > 0 ? M : inputs_;
  const Column* table = column_.data();
  const double* levels = levels_.data();
  const int shift = fraction_bits_;
  const std::uint32_t mask = (std::uint32_t{1} << shift) - 1;
  const auto draw = [&](std::uint32_t bits, long i) {
    const Column& c = table[bits >> shift];
    // An index, not a select (a select compiles to a random branch).
    const double* entry = levels + c.entry[static_cast<int>((bits & mask) >= c.threshold)];
    for (int e = 0; e < m; ++e) rows[e][i] = entry[e];
  };
  long i = 0;
  for (; i + 1 < count; i += 2) {
    const std::uint64_t word = words[i / 2];
    draw(static_cast<std::uint32_t>(word), i);
    draw(static_cast<std::uint32_t>(word >> 32), i + 1);
  }
  if (i < count) draw(static_cast<std::uint32_t>(words[i / 2]), i);
}

void RoundingPatternSampler::sample(const std::uint64_t* words, double* const* rows,
                                    long count) const {
  switch (inputs_) {
    case 2:
      return sample_inputs<2>(words, rows, count);
    case 3:
      return sample_inputs<3>(words, rows, count);
    case 4:
      return sample_inputs<4>(words, rows, count);
    default:
      return sample_inputs<0>(words, rows, count);
  }
}

}  // namespace qmf
