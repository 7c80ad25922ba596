// The joint law of per-example rounding patterns in classes of what the
// inputs see, and draws of it, shared by test_rounding_patterns.cpp and
// test_pattern_sampler.cpp.
//
// What the inputs see is classed by (lowest level index i, which inputs sit
// one above it), i then grouped (in 40 ranges, or 10 beyond m = 2, and by
// i mod 8): entries (c, all up) and (c + 1, all down) look alike. Laws are
// given per (cell, pattern with k ones) on the grid's cells. The law of a
// grid too fine for a whole table (`fine`, rounded by definition in the
// simulation) is described by its lattice alone: a RoundingPatterns without
// entries.
#pragma once

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "qmf/numerics/gaussian.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/chi_square.hpp"
#include "weights/pattern_sampler.hpp"
#include "weights/rounding_patterns.hpp"

namespace qmf::test {

struct Grid {
  const char* spec;
  int inputs;
};
// Whole tables (up to bits:12 at m = 2, 16378 entries), then grids too fine
// or with too many inputs for one.
inline const Grid whole[] = {{"binary", 2},        {"binary", 3},        {"ternary,p=0.6", 4},
                             {"bits:2", 2},        {"bits:3,clip=2", 3}, {"bits:4", 2},
                             {"bits:8,clip=4", 3}, {"bits:12,clip=2", 2}};
inline const Grid fine[] = {{"bits:14", 2}, {"bits:15,clip=2", 2}, {"bits:16", 2},
                            {"bits:16", 5}, {"bits:8", 8},         {"binary", 15}};
inline qmf::WeightSpec per_example(const char* spec) {
  return qmf::parse_weight_spec(std::string(spec) + ",rounding=stochastic-per-example");
}
inline qmf::RoundingPatterns table(const Grid& g) {
  return qmf::rounding_patterns(per_example(g.spec), g.inputs);
}
// The grid's lattice, without the table's entries.
inline qmf::RoundingPatterns lattice(const Grid& g) {
  const auto grid = per_example(g.spec).grid();
  return {g.inputs, -grid.top, grid.spacing, grid.cells, {}};
}

// A law on cells [first, first + count): by_ones[(c - first) * (m + 1) + k],
// the probability of one pattern with k ones in cell c.
struct CellLaw {
  std::int64_t first = 0;
  std::int64_t count = 0;
  std::vector<double> by_ones;
};

// The exact law on the table's cells.
inline CellLaw exact_law(const qmf::RoundingPatterns& d) {
  const int m = d.inputs;
  CellLaw law{0, d.cells, std::vector<double>(static_cast<std::size_t>(d.cells) * (m + 1))};
  for (std::int64_t c = 0; c < law.count; ++c)
    for (int k = 0; k <= m; ++k)
      law.by_ones[c * (m + 1) + k] = qmf::pattern_probability(
          d.lowest + d.spacing * static_cast<double>(law.first + c), d.spacing, k, m);
  return law;
}

// Classes of what the inputs see. Patterns of m <= 5 inputs are told apart;
// with more, only the count of inputs above the lowest level.
struct Classes {
  const qmf::RoundingPatterns& d;
  [[nodiscard]] std::uint64_t shape(std::uint64_t pattern) const {
    return d.inputs <= 5 ? pattern : static_cast<std::uint64_t>(std::popcount(pattern));
  }
  [[nodiscard]] std::uint64_t key(std::int64_t lowest, std::uint64_t pattern) const {
    const std::int64_t ranges = d.inputs <= 2 ? 40 : 10;
    const std::int64_t range = lowest * ranges / (d.cells + 1);
    return (static_cast<std::uint64_t>(range * 8 + lowest % 8) << 32) | shape(pattern);
  }
};

// Class probabilities of a law given per (cell, pattern with k ones), levels
// clamped into the grid; with `tails`, the clipped weights beyond its cells.
inline std::unordered_map<std::uint64_t, double> class_law(const Classes& classes,
                                                           const CellLaw& cells, bool tails) {
  const auto& d = classes.d;
  const int m = d.inputs;
  if (m > 20) FAIL("too many inputs to list patterns");
  std::unordered_map<std::uint64_t, double> law;
  const std::uint64_t all = (std::uint64_t{1} << m) - 1;
  for (std::int64_t at = 0; at < cells.count; ++at) {
    const std::int64_t c = cells.first + at;
    const std::int64_t low = std::clamp<std::int64_t>(c, 0, d.cells);
    const std::int64_t high = std::clamp<std::int64_t>(c + 1, 0, d.cells);
    for (std::uint64_t pattern = 0; pattern <= all; ++pattern) {
      const double p = cells.by_ones[at * (m + 1) + std::popcount(pattern)];
      if (low == high || pattern == all)
        law[classes.key(high == low ? low : high, 0)] += p;
      else
        law[classes.key(low, pattern)] += p;
    }
  }
  if (tails) {
    const double z0 = d.lowest + d.spacing * static_cast<double>(cells.first);
    const double z1 = d.lowest + d.spacing * static_cast<double>(cells.first + cells.count);
    law[classes.key(0, 0)] += qmf::normal_cdf(z0);
    law[classes.key(d.cells, 0)] += qmf::normal_sf(z1);
  }
  return law;
}

// Counts per class of what the inputs see, rows[e][i] input e's level of
// weight i (rows beyond d.inputs ignored); off_grid counts copies off the
// grid or more than a cell apart.
inline std::unordered_map<std::uint64_t, long> classify(
    const Classes& classes, const std::vector<std::vector<double>>& rows, long& off_grid) {
  const auto& d = classes.d;
  const int m = d.inputs;
  std::unordered_map<std::uint64_t, long> counts;
  std::vector<std::int64_t> index(m);
  off_grid = 0;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    for (int e = 0; e < m; ++e) {
      const double k = (rows[e][i] - d.lowest) / d.spacing;
      off_grid += std::fabs(k - std::round(k)) > 1e-6;
      index[e] = std::llround(k);
    }
    const std::int64_t lowest = *std::min_element(index.begin(), index.end());
    std::uint64_t pattern = 0;
    for (int e = 0; e < m; ++e) {
      off_grid += index[e] - lowest > 1;
      pattern |= static_cast<std::uint64_t>(index[e] > lowest) << e;
    }
    ++counts[classes.key(lowest, pattern)];
  }
  return counts;
}

// Rows of `count` weights for `rows` inputs, and pointers to them.
struct Rows {
  std::vector<std::vector<double>> values;
  std::vector<double*> pointers;
  Rows(int rows, long count) : values(rows, std::vector<double>(count)) {
    for (auto& row : values) pointers.push_back(row.data());
  }
};

// Counts per class of `draws` draws of `d`'s sampler, with the simulation's
// random words.
inline std::unordered_map<std::uint64_t, long> sample_classes(const Classes& classes,
                                                              const qmf::RoundingPatterns& d,
                                                              long draws, long& off_grid) {
  const qmf::RoundingPatternSampler sampler(d);
  qmf::simulation::NormalGenerator words(7, 0, 1, qmf::simulation::Stream::weights);
  std::vector<std::uint64_t> bits(static_cast<std::size_t>(sampler.words(draws)));
  words.fill_bits(bits.data(), static_cast<long>(bits.size()));
  Rows rows(d.inputs, draws);
  sampler.sample(bits.data(), rows.pointers.data(), draws);
  return classify(classes, rows.values, off_grid);
}

// The chi-square of counts against a class law (normalised).
// `level`: the caller's share of its family-wise level.
inline qmf::test::ChiSquare test_counts(const std::unordered_map<std::uint64_t, long>& counts,
                                        const std::unordered_map<std::uint64_t, double>& law,
                                        long draws, double level, long& unknown) {
  double total = 0.0;
  for (const auto& [key, p] : law) total += p;
  std::vector<long> n;
  std::vector<double> p;
  unknown = draws;
  for (const auto& [key, q] : law) {
    const auto it = counts.find(key);
    n.push_back(it == counts.end() ? 0 : it->second);
    p.push_back(q / total);
    unknown -= n.back();
  }
  return qmf::test::chi_square(n, p, draws, level);
}

}  // namespace qmf::test
