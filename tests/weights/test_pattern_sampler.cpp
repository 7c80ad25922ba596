// Per-example stochastic rounding drawn for m inputs at once
// (weights/pattern_sampler.hpp), as the simulated layers draw it:
// - the sampler fed with the simulation's random words gives the inputs
//   levels with the exact law (weights/rounding_patterns.hpp), whole tables
//   and block tables (narrow and wide draws, and all-residual tables), and
//   its residual alone follows the residual's law;
// - wrong tables are rejected by the same tests: the shared-rounding law
//   (the same marginals, another joint law), the table off by one entry,
//   and a residual drawn from phi instead of phi - floor.
// Pearson's chi-square on the classes of weights/pattern_law.hpp (bins with
// expected count >= 5, the rest pooled), rejection at a family-wise level of
// 1e-3 (Bonferroni over 14 x 3 + 2 x 2 tests).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "weights/pattern_law.hpp"
#include "weights/rounding_patterns.hpp"

using namespace qmf::test;

namespace {

constexpr double level = 1e-3 / (14 * 3 + 2 * 2);

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
        if (f.first_cell == e.first_cell && f.span == e.span &&
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

TEST_CASE("the residual alone follows its law; drawn from phi on its blocks it is rejected") {
  // 2e5 draws with the table's entries emptied: every draw is residual.
  constexpr long draws = 200000;
  for (const Grid& g : {Grid{"bits:14", 2}, Grid{"bits:16", 2}}) {
    auto d = table(g);
    const auto exact = exact_law(d);
    const auto flat = flat_part(d);
    std::vector<double> residual(exact.size());
    for (std::size_t i = 0; i < exact.size(); ++i) residual[i] = exact[i] - flat[i];
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

    // Without the floor the rejection draws z from phi on each block.
    auto wrong = d;
    for (auto& b : wrong.blocks) b.floor = 0.0;
    const auto rejected =
        test_counts(sample_classes(classes, wrong, draws, off_grid), law, draws, level, unknown);
    INFO("phi instead of phi - floor: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}
