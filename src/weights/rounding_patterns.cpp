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

double RoundingPatterns::slow() const {
  double sum = residual();
  for (const auto& e : entries)
    if (e.offset != PatternEntry::Offset::uniform) sum += e.probability;
  return sum;
}

namespace {

// The line f + s d under phi on the block [a, b] (d the distance from the end
// farther from 0) and a bound of phi - f - s d there; f = s = 0 where the
// table draws nothing of the block.
struct Line {
  double floor, slope, bound;
};
Line line_under_phi(double a, double b, double spacing, bool tabulated) {
  // A block end at 0 up to rounding is at 0.
  const double width = b - a;
  if (std::fabs(a) < 1e-9 * width) a = 0.0;
  if (std::fabs(b) < 1e-9 * width) b = 0.0;
  const double nearest = std::clamp(0.0, a, b);
  const double top = normal_pdf(nearest);
  const double far = std::fabs(a) > std::fabs(b) ? a : b;
  // Only a flat part: the least phi on the block (none if not tabulated).
  const double least = tabulated ? std::min(normal_pdf(a), normal_pdf(b)) : 0.0;
  const Line flat{least, 0.0, top - least};
  if (!tabulated || (a < 0.0 && b > 0.0)) return flat;
  // |phi''(z)| = |z^2 - 1| phi(z), |z^2 - 1| convex: at most at an end.
  const double curvature =
      std::max(std::fabs(a * a - 1.0), std::fabs(b * b - 1.0)) * normal_pdf(nearest);
  Line line = flat;
  if (std::min(std::fabs(a), std::fabs(b)) >= 1.0) {
    // Convex: the tangent at the middle; phi - tangent <= curvature (W/2)^2 / 2.
    const double middle = 0.5 * (a + b);
    const double slope = std::fabs(middle) * normal_pdf(middle);
    line = {normal_pdf(middle) - 0.5 * slope * width, slope, curvature * width * width / 8.0};
  } else if (std::max(std::fabs(a), std::fabs(b)) <= 1.0) {
    // Concave: the chord; phi - chord <= curvature (z - a) (b - z) / 2.
    line = {normal_pdf(far), (top - normal_pdf(far)) / width, curvature * width * width / 8.0};
  } else {
    // Across |z| = 1: |phi'| = |z| phi rises to its maximum phi(1) there and
    // falls beyond, so it is least at an end, and phi - f - s d <= (phi(1) - s) d.
    const double slope = std::min(std::fabs(a) * normal_pdf(a), std::fabs(b) * normal_pdf(b));
    const double f = normal_pdf(far);
    line = {f, slope, std::min(top - f, (normal_pdf(1.0) - slope) * width)};
  }
  // The flat entries' tilted density f + s D (p' - 1/2) must stay >= 0.
  if (!(line.floor >= 0.5 * line.slope * spacing) || !(line.slope >= 0.0)) return flat;
  return line;
}

// The table in `count` blocks of the virtual grid (rounding_patterns.hpp).
RoundingPatterns in_blocks(RoundingPatterns d, std::int64_t count) {
  const int m = d.inputs;
  const bool patterns = m + 1 < 62 && (std::size_t{1} << (m + 1)) <= max_block_entries;
  const auto virtual_cells =
      static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(d.cells) + 2));
  count = std::min(count, virtual_cells);
  if (count < 1 || !std::has_single_bit(static_cast<std::uint64_t>(count)))
    throw std::invalid_argument("rounding_patterns: blocks must be a power of two");
  const std::int64_t per_block = patterns ? std::int64_t{1} << m : 0;
  // The sampler's table holds the flat entries and the tails.
  if (static_cast<std::size_t>(count * per_block) + 2 >= max_block_entries)
    throw std::invalid_argument("rounding_patterns: more blocks than the table holds");
  const std::int64_t span = virtual_cells / count;
  const double width = d.spacing * static_cast<double>(span);
  const double start = d.lowest - d.spacing;  // the virtual cell -1
  // Clipped beyond the virtual grid: levels below 0 and above the top clamp.
  d.entries.push_back({-1 - span, span, 0, normal_cdf(start)});
  d.entries.push_back(
      {d.cells + 1, span, 0, normal_sf(start + width * static_cast<double>(count))});

  // b_k = P(pattern with k ones | p ~ U(0, 1)) = 1 / ((m + 1) binomial(m, k)),
  // and (k + 1) / (m + 2) - 1/2 its tilt under the density 2 p.
  std::vector<double> uniform_p(m + 1), tilt(m + 1);
  double binomial = 1.0;
  for (int k = 0; k <= m; ++k) {
    uniform_p[k] = 1.0 / ((m + 1) * binomial);
    tilt[k] = (k + 1.0) / (m + 2.0) - 0.5;
    binomial = binomial * (m - k) / (k + 1);
  }
  std::vector<PatternEntry> rising, falling;
  for (std::int64_t j = 0; j < count; ++j) {
    const std::int64_t first = j * span - 1;
    const double z0 = start + width * static_cast<double>(j);
    const double z1 = z0 + width;
    const auto [f, s, bound] = line_under_phi(z0, z1, d.spacing, patterns);
    // Left of 0 the far end is z0 and p' = p; right of 0, p' = 1 - p.
    const bool left = std::fabs(z0) > std::fabs(z1);
    const double sign = left ? 1.0 : -1.0;
    for (std::int64_t pattern = 0; pattern < per_block; ++pattern) {
      const int k = std::popcount(static_cast<std::uint64_t>(pattern));
      const auto bits = static_cast<std::uint64_t>(pattern);
      d.entries.push_back(
          {first, span, bits, width * uniform_p[k] * (f + sign * s * d.spacing * tilt[k])});
      if (s > 0.0)
        (left ? rising : falling)
            .push_back({first, span, bits, 0.5 * s * width * width * uniform_p[k],
                        left ? PatternEntry::Offset::rising : PatternEntry::Offset::falling});
    }
    const double mass = normal_interval(z0, z1) - f * width - 0.5 * s * width * width;
    d.blocks.push_back({first, span, f, s, bound * (1.0 + 1e-9), std::max(0.0, mass)});
  }
  d.entries.insert(d.entries.end(), rising.begin(), rising.end());
  d.entries.insert(d.entries.end(), falling.begin(), falling.end());
  return d;
}

RoundingPatterns grid_of(const WeightSpec& spec, int inputs) {
  if (inputs < 1) throw std::invalid_argument("rounding_patterns: at least one input");
  RoundingPatterns d;
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  const auto grid = spec.grid();
  d.inputs = inputs;
  d.lowest = -grid.top;
  d.spacing = grid.spacing;
  d.cells = grid.cells;
  return d;
}

}  // namespace

RoundingPatterns rounding_patterns_in_blocks(const WeightSpec& spec, int inputs,
                                             std::int64_t blocks) {
  RoundingPatterns d = grid_of(spec, inputs);
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  return in_blocks(std::move(d), blocks);
}

RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs) {
  RoundingPatterns d = grid_of(spec, inputs);
  if (spec.kind == WeightSpec::Kind::gaussian) return d;
  const std::int64_t cells = d.cells;
  if (inputs < 62 && (cells << inputs) + 2 <= static_cast<std::int64_t>(max_whole_entries)) {
    // Whole: every (cell, pattern); by exchangeability a pattern's
    // probability depends on its count of ones.
    d.entries.push_back({0, 1, 0, normal_cdf(d.lowest)});
    d.entries.push_back({cells, 1, 0, normal_sf(-d.lowest)});
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
  // The most blocks whose flat entries fit the table with the tails (256 at
  // m = 2); 256 blocks of residual alone without patterns.
  std::int64_t blocks = 256;
  if (inputs + 1 < 62 && (std::size_t{1} << (inputs + 1)) <= max_block_entries)
    blocks = static_cast<std::int64_t>(max_block_entries >> (inputs + 1));
  return in_blocks(std::move(d), blocks);
}

}  // namespace qmf
