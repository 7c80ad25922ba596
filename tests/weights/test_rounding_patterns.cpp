// Per-example stochastic rounding for m inputs at once: the joint law of
// (cell, rounding pattern) (weights/rounding_patterns.hpp) and its whole
// tables (their draws: test_pattern_sampler.cpp):
// - whole tables sum to 1, every input's marginal is the exact stochastic-
//   rounding level distribution (level_distribution: closed-form tent
//   integrals), and E[Q_1^2], E[Q_1 Q_2] are weight_moments' variance and
//   covariance, to 1e-12;
// - each pattern probability agrees with adaptive Gauss-Kronrod (another
//   quadrature of the same integral) to 1e-12 relative;
// - a table is whole where it fits and refused where it does not;
// - latent normals rounded by WeightRounding once per input (the definition)
//   follow the exact law, on whole and on finer grids: Pearson's chi-square
//   on the classes of weights/pattern_law.hpp (bins with expected count >= 5,
//   the rest pooled), rejection at a family-wise level of 1e-3 (Bonferroni
//   over 12 tests).
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "numerics/adaptive_gauss_kronrod.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "weights/chi_square.hpp"
#include "weights/level_sampler.hpp"
#include "weights/pattern_law.hpp"
#include "weights/rounding_patterns.hpp"

using namespace qmf::test;

namespace {

constexpr double level = 1e-3 / 12;

}  // namespace

TEST_CASE("whole tables have the exact marginals and pair moments") {
  for (const Grid& g : whole) {
    const auto d = table(g);
    const auto spec = qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic");
    const auto shared = qmf::level_distribution(spec);
    const auto moments = qmf::weight_moments(per_example(g.spec));
    const int m = g.inputs;
    REQUIRE(d.inputs == m);
    REQUIRE(d.entries.size() == static_cast<std::size_t>(d.cells << m) + 2);
    double total = 0.0, square = 0.0, product = 0.0;
    // marginal[e][k]: P(input e sees level k).
    std::vector<std::vector<double>> marginal(m, std::vector<double>(shared.levels.size()));
    for (const auto& entry : d.entries) {
      const double p = entry.probability;
      CHECK(p >= 0.0);
      const auto index = [&](int e) { return entry.first_cell + ((entry.pattern >> e) & 1u); };
      const auto level = [&](int e) {
        return d.lowest + d.spacing * static_cast<double>(index(e));
      };
      total += p;
      square += p * level(0) * level(0);
      product += p * level(0) * level(1);
      for (int e = 0; e < m; ++e) marginal[e][index(e)] += p;
    }
    INFO(g.spec << ", m = " << m << ": total " << total << ", E[Q1^2] " << square << " against "
                << moments.variance << ", E[Q1 Q2] " << product << " against "
                << moments.covariance);
    CHECK(std::fabs(total - 1.0) <= 1e-12);
    CHECK(std::fabs(square - moments.variance) <= 1e-12);
    CHECK(std::fabs(product - moments.covariance) <= 1e-12);
    for (int e = 0; e < m; ++e)
      for (std::size_t k = 0; k < shared.levels.size(); ++k)
        CHECK(std::fabs(marginal[e][k] - shared.probabilities[k]) <= 1e-12);
  }
}

TEST_CASE("pattern probabilities agree with adaptive Gauss-Kronrod") {
  // Wide cells (binary: [-1, 1]; bits:2,clip=5: [0, 5]) and a narrow one far out.
  struct Cell {
    double a, spacing;
  };
  for (const Cell cell : {Cell{-1.0, 2.0}, Cell{0.0, 5.0}, Cell{-5.0, 5.0}, Cell{3.9, 0.03}}) {
    for (const int m : {1, 2, 5, 12}) {
      for (int k = 0; k <= m; ++k) {
        const auto f = [&](double z) {
          const double p = (z - cell.a) / cell.spacing;
          return qmf::normal_pdf(z) * std::pow(p, k) * std::pow(1.0 - p, m - k);
        };
        const double expected =
            qmf::detail::adaptive_gauss_kronrod(f, cell.a, cell.a + cell.spacing, 1e-14);
        const double got = qmf::pattern_probability(cell.a, cell.spacing, k, m);
        INFO("cell [" << cell.a << ", " << cell.a + cell.spacing << "), m = " << m << ", k = " << k
                      << ": " << got << " against " << expected);
        CHECK(std::fabs(got - expected) <= 1e-12 * expected);
      }
    }
  }
}

TEST_CASE("a table is whole where it fits, refused where it does not, drawn where small") {
  const auto fits = [](const Grid& g) {
    return qmf::fits_whole_table(per_example(g.spec), g.inputs);
  };
  // At most 5 inputs and 512 KiB: entries x (8 m + 12) bytes.
  CHECK(fits({"binary", 5}));   // 34 entries
  CHECK(fits({"bits:8", 5}));   // 254 x 32 + 2 = 8130: 423 KB
  CHECK(fits({"bits:12", 2}));  // 4094 x 4 + 2 = 16378: 459 KB
  CHECK(table({"bits:12", 2}).entries.size() == 4094 * 4 + 2);
  CHECK_FALSE(fits({"binary", 6}));
  CHECK_FALSE(fits({"bits:13", 2}));  // 917 KB
  CHECK_FALSE(fits({"bits:10", 4}));  // 720 KB
  for (const Grid& g : fine) {
    INFO(g.spec << ", m = " << g.inputs);
    CHECK_FALSE(fits(g));
    CHECK_THROWS_AS(table(g), std::invalid_argument);
  }
  // The simulation draws from the smaller ones: at most 2 inputs and 32 KiB.
  const auto drawn = [](const Grid& g) {
    return qmf::simulation_draws_table(per_example(g.spec), g.inputs);
  };
  CHECK(drawn({"binary", 2}));
  CHECK(drawn({"bits:8", 2}));        // 254 x 4 + 2 = 1018 entries: 28 KB
  CHECK_FALSE(drawn({"bits:9", 2}));  // 57 KB
  CHECK_FALSE(drawn({"binary", 3}));
  const auto gaussian = qmf::parse_weight_spec("gaussian");
  CHECK_FALSE(qmf::fits_whole_table(gaussian, 2));
  CHECK_FALSE(qmf::simulation_draws_table(gaussian, 2));
  CHECK(qmf::rounding_patterns(gaussian, 2).entries.empty());
}

TEST_CASE("latent normals rounded per input follow the joint law") {
  // 2e5 latent weights, each rounded m times through the rounding's definition.
  constexpr long draws = 200000;
  qmf::test::LatentWeights latent(15);
  std::vector<Grid> grids(std::begin(whole), std::end(whole));
  grids.insert(grids.end(), std::begin(fine), std::begin(fine) + 4);
  for (const Grid& g : grids) {
    const auto spec =
        qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic-per-example");
    const qmf::WeightRounding round(spec);
    const auto d = lattice(g);
    const Classes classes{d};
    std::unordered_map<std::uint64_t, long> counts;
    std::vector<std::int64_t> index(g.inputs);
    for (long i = 0; i < draws; ++i) {
      const double z = latent.normal();
      for (int e = 0; e < g.inputs; ++e)
        index[e] = std::llround((round.stochastic(z, latent.uniform()) - d.lowest) / d.spacing);
      const std::int64_t lowest = *std::min_element(index.begin(), index.end());
      std::uint64_t pattern = 0;
      for (int e = 0; e < g.inputs; ++e)
        pattern |= static_cast<std::uint64_t>(index[e] > lowest) << e;
      ++counts[classes.key(lowest, pattern)];
    }
    long unknown = 0;
    const auto test =
        test_counts(counts, class_law(classes, exact_law(d), true), draws, level, unknown);
    INFO(g.spec << ", m = " << g.inputs << ": chi-square " << test.statistic << ", threshold "
                << test.threshold);
    CHECK(unknown == 0);
    CHECK(test.accepts());
  }
}
