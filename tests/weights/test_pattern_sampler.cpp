// Per-example stochastic rounding drawn for m inputs at once
// (weights/pattern_sampler.hpp), as the simulated layers draw it:
// - the sampler fed with the simulation's random words gives the inputs
//   levels with the exact law (weights/rounding_patterns.hpp), whole tables
//   and block tables (narrow and wide draws, and all-residual tables), and
//   its residual alone follows the residual's law;
// - wrong tables are rejected by the same tests: the shared-rounding law
//   (the same marginals, another joint law), the table off by one entry,
//   and a residual drawn uniformly on its blocks;
// - on coarse blocks (bits:5 at m = 2 and m = 3, in 8 blocks),
//   where the linear part is 14-30 % of the draws and the tilt moves the
//   flat entries by 1-4 %, 1e6 draws accept the sampler and reject the
//   linear part drawn with uniform offsets and the flat part without its
//   tilt.
// Pearson's chi-square on the classes of weights/pattern_law.hpp (bins with
// expected count >= 5, the rest pooled), rejection at a family-wise level of
// 1e-3 (Bonferroni over the 14 x 3 + 2 x 2 + 2 x 3 tests).
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <tuple>
#include <vector>

#include "weights/pattern_law.hpp"
#include "weights/rounding_patterns.hpp"

using namespace qmf::test;

namespace {

constexpr double level = 1e-3 / (14 * 3 + 2 * 2 + 2 * 3);

}  // namespace

TEST_CASE("the sampler draws the joint law, and wrong tables are rejected") {
  // 4e5 draws per table.
  std::vector<Grid> grids(std::begin(whole), std::end(whole));
  grids.insert(grids.end(), std::begin(blocks), std::end(blocks));
  for (const Grid& g : grids) {
    const auto d = table(g);
    constexpr long draws = 400000;
    const Classes classes{d, span_of(d)};
    const auto law = class_law(classes, exact_law(d), true);
    long off_grid = 0, unknown = 0;
    const auto test =
        test_counts(sample_classes(classes, d, draws, off_grid), law, draws, level, unknown);
    INFO(g.spec << ", m = " << g.inputs << ": chi-square " << test.statistic << ", threshold "
                << test.threshold << ", residual " << d.residual());
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());
    if (d.entries.size() <= 2) continue;  // all residual: nothing to perturb

    // Shared rounding: the mixed patterns' mass to "all down" and "all up"
    // of the same cell or block, each input's marginal unchanged.
    auto shared = d;
    const std::uint64_t all = (std::uint64_t{1} << g.inputs) - 1;
    for (auto& e : shared.entries) {
      if (e.pattern == 0 || e.pattern == all) continue;
      const double moved = e.probability;
      e.probability = 0.0;
      for (auto& f : shared.entries)
        if (f.first_cell == e.first_cell && f.span == e.span && f.offset == e.offset &&
            (f.pattern == 0 || f.pattern == all))
          f.probability += 0.5 * moved;
    }
    const auto rejected_shared =
        test_counts(sample_classes(classes, shared, draws, off_grid), law, draws, level, unknown);
    INFO("shared-rounding table: chi-square " << rejected_shared.statistic);
    CHECK_FALSE(rejected_shared.accepts());

    // Off by one entry: each entry gets the next one's probability.
    auto shifted = d;
    for (std::size_t k = 0; k + 1 < shifted.entries.size(); ++k)
      shifted.entries[k].probability = d.entries[k + 1].probability;
    shifted.entries.back().probability = d.entries.front().probability;
    const auto rejected =
        test_counts(sample_classes(classes, shifted, draws, off_grid), law, draws, level, unknown);
    INFO("shifted table: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}

TEST_CASE("the residual alone follows its law; drawn uniformly on its blocks it is rejected") {
  // 2e5 draws with the table's entries emptied: every draw is residual.
  constexpr long draws = 200000;
  for (const Grid& g : {Grid{"bits:14", 2}, Grid{"bits:16", 2}}) {
    auto d = table(g);
    const auto exact = exact_law(d);
    auto residual = table_part(d);
    for (std::size_t i = 0; i < residual.by_ones.size(); ++i)
      residual.by_ones[i] = exact.by_ones[i] - residual.by_ones[i];
    for (auto& e : d.entries) e.probability = 0.0;
    const Classes classes{d, span_of(d)};
    const auto law = class_law(classes, residual, false);
    long off_grid = 0, unknown = 0;
    const auto test =
        test_counts(sample_classes(classes, d, draws, off_grid), law, draws, level, unknown);
    INFO(g.spec << ": chi-square " << test.statistic << ", threshold " << test.threshold);
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());

    // Without the line under phi and its bound, z is uniform on each block.
    auto wrong = d;
    for (auto& b : wrong.blocks) b = {b.first_cell, b.span, 0.0, 0.0, 0.0, b.probability};
    const auto rejected =
        test_counts(sample_classes(classes, wrong, draws, off_grid), law, draws, level, unknown);
    INFO("uniform on the blocks: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}

TEST_CASE("coarse blocks: the linear part and the tilt are drawn exactly") {
  // 1e6 draws per table; the linear part's share and the largest relative
  // tilt of a flat entry are printed on failure.
  constexpr long draws = 1000000;
  for (const auto& [spec, m, count] : {std::tuple{"bits:5", 2, 8}, std::tuple{"bits:5", 3, 8}}) {
    const auto d = qmf::rounding_patterns_in_blocks(per_example(spec), m, count);
    const Classes classes{d, span_of(d)};
    const auto law = class_law(classes, exact_law(d), true);
    double linear = 0.0;
    for (const auto& e : d.entries)
      if (e.offset != qmf::PatternEntry::Offset::uniform) linear += e.probability;
    long off_grid = 0, unknown = 0;
    const auto test =
        test_counts(sample_classes(classes, d, draws, off_grid), law, draws, level, unknown);
    INFO(spec << ", m = " << m << ", " << count << " blocks: linear part " << linear
              << ", residual " << d.residual() << ", chi-square " << test.statistic
              << ", threshold " << test.threshold);
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());

    // The linear part with uniform offsets (cell masses flat, not 2 c + 1).
    auto flat = d;
    for (auto& e : flat.entries) e.offset = qmf::PatternEntry::Offset::uniform;
    const auto rejected_flat =
        test_counts(sample_classes(classes, flat, draws, off_grid), law, draws, level, unknown);
    INFO("linear part uniform: chi-square " << rejected_flat.statistic);
    CHECK_FALSE(rejected_flat.accepts());

    // The flat part without its tilt: each block's flat entries in
    // proportion to b_k, their total kept.
    auto untilted = d;
    for (std::size_t i = 0; i < untilted.entries.size();) {
      auto& e = untilted.entries[i];
      const std::int64_t per_block = std::int64_t{1} << m;
      if (e.offset != qmf::PatternEntry::Offset::uniform || e.first_cell < -1 ||
          e.first_cell > d.cells) {
        ++i;
        continue;
      }
      double sum = 0.0, weight = 0.0;
      for (std::int64_t p = 0; p < per_block; ++p) {
        const int k = std::popcount(static_cast<std::uint64_t>(p));
        double binomial = 1.0;
        for (int j = 0; j < k; ++j) binomial = binomial * (m - j) / (j + 1);
        sum += untilted.entries[i + p].probability;
        weight += 1.0 / ((m + 1) * binomial);
      }
      for (std::int64_t p = 0; p < per_block; ++p) {
        const int k = std::popcount(static_cast<std::uint64_t>(p));
        double binomial = 1.0;
        for (int j = 0; j < k; ++j) binomial = binomial * (m - j) / (j + 1);
        untilted.entries[i + p].probability = sum / weight / ((m + 1) * binomial);
      }
      i += static_cast<std::size_t>(per_block);
    }
    const auto rejected_tilt =
        test_counts(sample_classes(classes, untilted, draws, off_grid), law, draws, level, unknown);
    INFO("flat part untilted: chi-square " << rejected_tilt.statistic);
    CHECK_FALSE(rejected_tilt.accepts());
  }
}
