// Per-example stochastic rounding drawn for m inputs at once from the joint
// law of (cell, rounding pattern) (weights/rounding_patterns.hpp), as the
// simulated layers draw it:
// - whole tables sum to 1, every input's marginal is the exact stochastic-
//   rounding level distribution (level_distribution: closed-form tent
//   integrals), and E[Q_1^2], E[Q_1 Q_2] are weight_moments' variance and
//   covariance, to 1e-12;
// - each pattern probability agrees with adaptive Gauss-Kronrod (another
//   quadrature of the same integral) to 1e-12 relative;
// - block tables split the law exactly: on every cell the flat part lies
//   below the exact pattern probabilities, and each block's residual is what
//   is left (Gauss-Legendre per cell, to 1e-12);
// - latent normals rounded by WeightRounding once per input (the definition)
//   follow the exact law: Pearson's chi-square;
// - the sampler fed with the simulation's random words gives the inputs
//   levels with the exact law, whole tables and block tables (narrow and
//   wide draws, and all-residual tables), and its residual alone follows
//   the residual's law;
// - wrong tables are rejected by the same tests: the shared-rounding law
//   (the same marginals, another joint law), the table off by one entry,
//   and a residual drawn from phi instead of phi - floor.
// What the inputs see is classed by (lowest level index i, which inputs sit
// one above it), i then grouped (in 40 ranges, or 10 beyond m = 2, by i mod 8
// and by the eighth of its block it lies in): entries (c, all up) and
// (c + 1, all down) look alike.
// Chi-square: bins with expected count >= 5 (the rest pooled), rejection at a
// family-wise level of 1e-3 (Bonferroni over the chi-square tests of the file).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "numerics/adaptive_gauss_kronrod.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/chi_square.hpp"
#include "weights/level_sampler.hpp"
#include "weights/rounding_patterns.hpp"

namespace {

struct Grid {
  const char* spec;
  int inputs;
};
// Whole tables, then block tables: narrow draws (bits:11 to bits:16 at
// m = 2), wide draws (bits:16 at m = 5: blocks of 2^9 cells), coarse blocks
// (bits:8 at m = 5) and all residual (binary at m = 12).
const Grid whole[] = {{"binary", 2},        {"binary", 3}, {"ternary,p=0.6", 4}, {"bits:2", 2},
                      {"bits:3,clip=2", 3}, {"bits:4", 2}, {"bits:8,clip=4", 3}};
const Grid blocks[] = {{"bits:11", 2}, {"bits:12,clip=2", 2}, {"bits:16", 2},
                       {"bits:16", 5}, {"bits:8", 5},         {"binary", 12}};
constexpr int chi_square_tests = 7 * 4 + 6 * 4 + 2 * 2;

qmf::test::ChiSquare chi_square(const std::vector<long>& counts, const std::vector<double>& p,
                                long draws) {
  return qmf::test::chi_square(counts, p, draws, 1e-3 / chi_square_tests);
}

qmf::RoundingPatterns table(const Grid& g) {
  return qmf::rounding_patterns(
      qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic-per-example"), g.inputs);
}

// The exact law: by_ones[c * (m + 1) + k], the probability of one pattern
// with k ones in cell c.
std::vector<double> exact_law(const qmf::RoundingPatterns& d) {
  const int m = d.inputs;
  std::vector<double> by_ones(static_cast<std::size_t>(d.cells) * (m + 1));
  for (std::int64_t c = 0; c < d.cells; ++c)
    for (int k = 0; k <= m; ++k)
      by_ones[c * (m + 1) + k] =
          qmf::pattern_probability(d.lowest + d.spacing * static_cast<double>(c), d.spacing, k, m);
  return by_ones;
}

// Classes of what the inputs see. Patterns of m <= 5 inputs are told apart;
// with more, only the count of inputs above the lowest level.
struct Classes {
  const qmf::RoundingPatterns& d;
  std::int64_t span;  // the blocks' cells
  [[nodiscard]] std::uint64_t shape(std::uint64_t pattern) const {
    return d.inputs <= 5 ? pattern : static_cast<std::uint64_t>(std::popcount(pattern));
  }
  [[nodiscard]] std::uint64_t key(std::int64_t lowest, std::uint64_t pattern) const {
    const std::int64_t ranges = d.inputs <= 2 ? 40 : 10;
    const std::int64_t range = lowest * ranges / (d.cells + 1);
    // i mod 8, and the eighth of its block for blocks of 64 cells or more.
    const std::int64_t eighth = span >= 64 ? (lowest % span) * 8 / span : 0;
    return (static_cast<std::uint64_t>((range * 8 + eighth) * 8 + lowest % 8) << 32) |
           shape(pattern);
  }
};

// Class probabilities of a law given per (cell, pattern with k ones).
std::unordered_map<std::uint64_t, double> class_law(const Classes& classes,
                                                    const std::vector<double>& by_ones,
                                                    bool tails) {
  const auto& d = classes.d;
  const int m = d.inputs;
  std::unordered_map<std::uint64_t, double> law;
  const std::uint64_t all = m >= 64 ? ~0ull : (std::uint64_t{1} << m) - 1;
  for (std::int64_t c = 0; c < d.cells; ++c) {
    if (m <= 20) {
      for (std::uint64_t pattern = 0; pattern <= all; ++pattern) {
        const double p = by_ones[c * (m + 1) + std::popcount(pattern)];
        if (pattern == all)
          law[classes.key(c + 1, 0)] += p;
        else
          law[classes.key(c, pattern)] += p;
      }
    } else {
      FAIL("too many inputs to list patterns");
    }
  }
  if (tails) {
    law[classes.key(0, 0)] += qmf::normal_cdf(d.lowest);
    law[classes.key(d.cells, 0)] += qmf::normal_sf(-d.lowest);
  }
  return law;
}

// Counts per class of `draws` draws of `d`'s sampler, with the
// simulation's random words; off_grid counts copies off the grid or more
// than a cell apart.
std::unordered_map<std::uint64_t, long> sample_classes(const Classes& classes,
                                                       const qmf::RoundingPatterns& d, long draws,
                                                       long& off_grid) {
  const qmf::RoundingPatternSampler sampler(d);
  qmf::simulation::NormalGenerator words(7, 0, 1, qmf::simulation::Stream::weights);
  qmf::simulation::NormalGenerator slow(7, 0, 1, qmf::simulation::Stream::rounding);
  std::vector<std::uint64_t> bits(static_cast<std::size_t>(sampler.words(draws)));
  words.fill_bits(bits.data(), static_cast<long>(bits.size()));
  const int m = d.inputs;
  std::vector<std::vector<double>> rows(m, std::vector<double>(draws));
  std::vector<double*> row_pointers;
  for (auto& row : rows) row_pointers.push_back(row.data());
  sampler.sample(bits.data(), row_pointers.data(), draws,
                 [&](std::uint64_t* out, long count) { slow.fill_bits(out, count); });
  std::unordered_map<std::uint64_t, long> counts;
  std::vector<std::int64_t> index(m);
  off_grid = 0;
  for (long i = 0; i < draws; ++i) {
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

// The chi-square of counts against a class law (normalised).
qmf::test::ChiSquare test_counts(const std::unordered_map<std::uint64_t, long>& counts,
                                 const std::unordered_map<std::uint64_t, double>& law, long draws,
                                 long& unknown) {
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
  return chi_square(n, p, draws);
}

// The block span of a block table (1 for whole tables).
std::int64_t span_of(const qmf::RoundingPatterns& d) {
  std::int64_t span = 1;
  for (const auto& e : d.entries) span = std::max(span, e.span);
  return span;
}

// The flat part of a block table on (cell, pattern with k ones): what its
// entries put there, per cell (0 outside tabulated blocks).
std::vector<double> flat_part(const qmf::RoundingPatterns& d) {
  const int m = d.inputs;
  std::vector<double> flat(static_cast<std::size_t>(d.cells) * (m + 1), 0.0);
  for (const auto& e : d.entries) {
    if (e.span == 1 && (e.first_cell == 0 || e.first_cell == d.cells)) continue;  // tails
    const int k = std::popcount(e.pattern);
    for (std::int64_t c = e.first_cell; c < e.first_cell + e.span; ++c)
      flat[c * (m + 1) + k] = e.probability / static_cast<double>(e.span);
  }
  return flat;
}

}  // namespace

TEST_CASE("whole tables have the exact marginals and pair moments") {
  for (const Grid& g : whole) {
    const auto d = table(g);
    const auto spec = qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic");
    const auto shared = qmf::level_distribution(spec);
    const auto moments = qmf::weight_moments(
        qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic-per-example"));
    const int m = g.inputs;
    REQUIRE(d.inputs == m);
    REQUIRE(d.blocks.empty());
    REQUIRE(d.entries.size() == static_cast<std::size_t>(d.cells << m) + 2);
    double total = 0.0, square = 0.0, product = 0.0;
    // marginal[e][k]: P(input e sees level k).
    std::vector<std::vector<double>> marginal(m, std::vector<double>(shared.levels.size()));
    for (const auto& entry : d.entries) {
      const double p = entry.probability;
      CHECK(p >= 0.0);
      CHECK(entry.span == 1);
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

TEST_CASE("coarse grids are tabulated whole, fine grids and many inputs in blocks") {
  CHECK(table({"binary", 11}).blocks.empty());  // 2^11 + 2 entries
  CHECK(table({"bits:8", 4}).blocks.empty());   // 254 x 16 + 2
  CHECK(table({"bits:10", 2}).blocks.empty());  // 1022 x 4 + 2
  CHECK_FALSE(table({"bits:8", 5}).blocks.empty());
  CHECK_FALSE(table({"bits:11", 2}).blocks.empty());
  // bits:11 to bits:32 at m = 2: 1007 blocks of 2^(b - 10) cells in the table.
  for (const char* spec : {"bits:11", "bits:16", "bits:32"}) {
    const auto d = table({spec, 2});
    CHECK(d.entries.size() == 1007 * 4 + 2);
    CHECK(span_of(d) == (d.cells + 2) / 1024);
    INFO(spec << ": residual " << d.residual());
    CHECK(d.residual() < 0.003);
  }
  // Too many inputs for patterns in the table: all residual but the tails.
  CHECK(table({"binary", 12}).entries.size() == 2);
  CHECK(table({"bits:4", 40}).entries.size() == 2);
  CHECK(qmf::rounding_patterns(qmf::parse_weight_spec("gaussian"), 2).entries.empty());
}

TEST_CASE("block tables split the law into a flat part and a nonnegative residual") {
  for (const Grid& g : blocks) {
    if (g.inputs > 5) continue;  // the all-residual table has no flat part
    const auto d = table(g);
    const auto exact = exact_law(d);
    const auto flat = flat_part(d);
    const int m = d.inputs;
    double total = d.residual();
    for (const auto& e : d.entries) total += e.probability;
    INFO(g.spec << ", m = " << m << ": total " << total);
    CHECK(std::fabs(total - 1.0) <= 1e-12);
    long below = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) below += flat[i] > exact[i] * (1.0 + 1e-12);
    CHECK(below == 0);
    // Each block's residual: its cells' exact law minus the flat part.
    double worst = 0.0;
    for (const auto& b : d.blocks) {
      double left = 0.0;
      for (std::int64_t c = b.first_cell; c < b.first_cell + b.span; ++c)
        for (int k = 0; k <= m; ++k) {
          double binomial = 1.0;
          for (int j = 0; j < k; ++j) binomial = binomial * (m - j) / (j + 1);
          left += binomial * (exact[c * (m + 1) + k] - flat[c * (m + 1) + k]);
        }
      worst = std::max(worst, std::fabs(left - b.probability));
    }
    INFO("largest residual error " << worst);
    CHECK(worst <= 1e-12);
  }
}

TEST_CASE("latent normals rounded per input follow the joint law") {
  // 2e5 latent weights, each rounded m times through the rounding's definition.
  constexpr long draws = 200000;
  qmf::test::LatentWeights latent(15);
  std::vector<Grid> grids(std::begin(whole), std::end(whole));
  grids.insert(grids.end(), std::begin(blocks), std::begin(blocks) + 4);
  for (const Grid& g : grids) {
    const auto spec =
        qmf::parse_weight_spec(std::string(g.spec) + ",rounding=stochastic-per-example");
    const qmf::WeightRounding round(spec);
    const auto d = table(g);
    const Classes classes{d, span_of(d)};
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
    const auto test = test_counts(counts, class_law(classes, exact_law(d), true), draws, unknown);
    INFO(g.spec << ", m = " << g.inputs << ": chi-square " << test.statistic << ", threshold "
                << test.threshold);
    CHECK(unknown == 0);
    CHECK(test.accepts());
  }
}

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
    const auto test = test_counts(sample_classes(classes, d, draws, off_grid), law, draws, unknown);
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
        test_counts(sample_classes(classes, shared, draws, off_grid), law, draws, unknown);
    INFO("shared-rounding table: chi-square " << rejected_shared.statistic);
    CHECK_FALSE(rejected_shared.accepts());

    // Off by one entry: each entry gets the next one's probability.
    auto shifted = d;
    for (std::size_t k = 0; k + 1 < shifted.entries.size(); ++k)
      shifted.entries[k].probability = d.entries[k + 1].probability;
    shifted.entries.back().probability = d.entries.front().probability;
    const auto rejected =
        test_counts(sample_classes(classes, shifted, draws, off_grid), law, draws, unknown);
    INFO("shifted table: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}

TEST_CASE("the residual alone follows its law; drawn from phi on its blocks it is rejected") {
  // 2e5 draws with the table's entries emptied: every draw is residual.
  constexpr long draws = 200000;
  for (const Grid& g : {Grid{"bits:11", 2}, Grid{"bits:16", 2}}) {
    auto d = table(g);
    const auto exact = exact_law(d);
    const auto flat = flat_part(d);
    std::vector<double> residual(exact.size());
    for (std::size_t i = 0; i < exact.size(); ++i) residual[i] = exact[i] - flat[i];
    for (auto& e : d.entries) e.probability = 0.0;
    const Classes classes{d, span_of(d)};
    const auto law = class_law(classes, residual, false);
    long off_grid = 0, unknown = 0;
    const auto test = test_counts(sample_classes(classes, d, draws, off_grid), law, draws, unknown);
    INFO(g.spec << ": chi-square " << test.statistic << ", threshold " << test.threshold);
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());

    // Without the floor the rejection draws z from phi on each block.
    auto wrong = d;
    for (auto& b : wrong.blocks) b.floor = 0.0;
    const auto rejected =
        test_counts(sample_classes(classes, wrong, draws, off_grid), law, draws, unknown);
    INFO("phi instead of phi - floor: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}
