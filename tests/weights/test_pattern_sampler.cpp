// Per-example stochastic rounding drawn for m inputs at once
// (weights/pattern_sampler.hpp), as the simulated layers draw it:
// - the sampler fed with the simulation's random words gives the inputs
//   levels with the exact law (weights/rounding_patterns.hpp);
// - wrong tables are rejected by the same test: the shared-rounding law
//   (the same marginals, another joint law) and the table off by one entry.
// Pearson's chi-square on the classes of weights/pattern_law.hpp (bins with
// expected count >= 5, the rest pooled), rejection at a family-wise level of
// 1e-3 (Bonferroni over the 8 x 3 tests).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "weights/pattern_law.hpp"
#include "weights/rounding_patterns.hpp"

using namespace qmf::test;

namespace {

constexpr double level = 1e-3 / (8 * 3);

}  // namespace

TEST_CASE("the sampler draws the joint law, and wrong tables are rejected") {
  // 4e5 draws per table.
  for (const Grid& g : whole) {
    const auto d = table(g);
    constexpr long draws = 400000;
    const Classes classes{d};
    const auto law = class_law(classes, exact_law(d), true);
    long off_grid = 0, unknown = 0;
    const auto test =
        test_counts(sample_classes(classes, d, draws, off_grid), law, draws, level, unknown);
    INFO(g.spec << ", m = " << g.inputs << ": chi-square " << test.statistic << ", threshold "
                << test.threshold);
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());

    // Shared rounding: the mixed patterns' mass to "all down" and "all up"
    // of the same cell, each input's marginal unchanged.
    auto shared = d;
    const std::uint64_t all = (std::uint64_t{1} << g.inputs) - 1;
    for (auto& e : shared.entries) {
      if (e.pattern == 0 || e.pattern == all) continue;
      const double moved = e.probability;
      e.probability = 0.0;
      for (auto& f : shared.entries)
        if (f.first_cell == e.first_cell && (f.pattern == 0 || f.pattern == all))
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
