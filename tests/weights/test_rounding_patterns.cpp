// Per-example stochastic rounding drawn for m inputs at once from the joint
// law of (cell, rounding pattern) (weights/rounding_patterns.hpp), as the
// simulated layers draw it:
// - the table sums to 1, every input's marginal is the exact stochastic-
//   rounding level distribution (level_distribution: closed-form tent
//   integrals), and E[Q_1^2], E[Q_1 Q_2] are weight_moments' variance and
//   covariance, to 1e-12;
// - each pattern probability agrees with adaptive Gauss-Kronrod (another
//   quadrature of the same integral) to 1e-12 relative;
// - latent normals rounded by WeightRounding once per input (the definition)
//   fall on (cell, pattern) with these probabilities: Pearson's chi-square;
// - the alias table fed with the simulation's random words (32 bits per weight) gives the inputs
//   levels with these probabilities (summed over entries that look alike to
//   the inputs: (c, all up) and (c + 1, all down));
// - two wrong tables are rejected by the same test: the shared-rounding law
//   (every input rounds the same way: the same marginals, another joint law),
//   and the table off by one entry (each entry given the next one's probability).
// Chi-square: bins with expected count >= 5 (the rest pooled), rejection at a
// family-wise level of 1e-3 (Bonferroni over the chi-square tests of the file).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "numerics/adaptive_gauss_kronrod.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/chi_square.hpp"
#include "weights/level_sampler.hpp"
#include "weights/rounding_patterns.hpp"

namespace {

const char* const grids[] = {"binary",        "ternary,p=0.6", "bits:2",
                             "bits:3,clip=2", "bits:4",        "bits:8,clip=4"};
const int input_counts[] = {2, 3, 4};
constexpr int chi_square_tests = 6 * 3 * 4;

qmf::test::ChiSquare chi_square(const std::vector<long>& counts, const std::vector<double>& p,
                                long draws) {
  return qmf::test::chi_square(counts, p, draws, 1e-3 / chi_square_tests);
}

qmf::WeightSpec per_example(const char* grid) {
  return qmf::parse_weight_spec(std::string(grid) + ",rounding=stochastic-per-example");
}

// What the inputs observe: the m levels, as grid indices in base `levels`.
// Entries (c, all ones) and (c + 1, no ones) look alike and share a class.
struct Observed {
  std::map<std::uint64_t, std::size_t> class_of;  // key -> class
  std::vector<double> probabilities;              // per class
};

std::uint64_t key_of(const std::vector<std::size_t>& level_index, std::size_t levels) {
  std::uint64_t key = 0;
  for (const std::size_t k : level_index) key = key * levels + k;
  return key;
}

Observed observed(const qmf::RoundingPatterns& d) {
  Observed o;
  const std::size_t levels = d.lower.size() + 1;
  const int m = d.inputs;
  std::vector<std::size_t> index(m);
  for (std::size_t i = 0; i < d.probabilities.size(); ++i) {
    for (int e = 0; e < m; ++e) index[e] = (i >> m) + ((i >> e) & 1u);
    const auto [it, added] = o.class_of.emplace(key_of(index, levels), o.probabilities.size());
    if (added) o.probabilities.push_back(0.0);
    o.probabilities[it->second] += d.probabilities[i];
  }
  return o;
}

// Class counts of `draws` draws of the alias table of `table`, with the
// simulation's random words (32 bits per weight); off_grid counts levels that are not grid levels.
std::vector<long> sample_table(const qmf::RoundingPatterns& table, const Observed& classes,
                               long draws, long& off_grid) {
  const qmf::RoundingPatternSampler sampler(table);
  qmf::simulation::NormalGenerator words(7, 0, 1, qmf::simulation::Stream::weights);
  std::vector<std::uint64_t> bits(static_cast<std::size_t>(draws + 1) / 2);
  words.fill_bits(bits.data(), static_cast<long>(bits.size()));
  const int m = table.inputs;
  std::vector<std::vector<double>> rows(m, std::vector<double>(draws));
  std::vector<double*> row_pointers;
  for (auto& row : rows) row_pointers.push_back(row.data());
  sampler.sample(bits.data(), row_pointers.data(), draws);
  const std::size_t levels = table.lower.size() + 1;
  std::vector<long> counts(classes.probabilities.size(), 0);
  std::vector<std::size_t> index(m);
  off_grid = 0;
  for (long i = 0; i < draws; ++i) {
    for (int e = 0; e < m; ++e) {
      const double k = (rows[e][i] - table.lower[0]) / table.spacing;
      off_grid += std::fabs(k - std::round(k)) > 1e-9;
      index[e] = static_cast<std::size_t>(std::lround(k));
    }
    const auto it = classes.class_of.find(key_of(index, levels));
    if (it == classes.class_of.end())
      ++off_grid;
    else
      ++counts[it->second];
  }
  return counts;
}

}  // namespace

TEST_CASE("the joint table has the exact marginals and pair moments") {
  for (const char* grid : grids) {
    const auto spec = per_example(grid);
    const auto shared =
        qmf::level_distribution(qmf::parse_weight_spec(std::string(grid) + ",rounding=stochastic"));
    const auto moments = qmf::weight_moments(spec);
    for (const int m : input_counts) {
      const auto d = qmf::rounding_patterns(spec, m);
      REQUIRE(d.inputs == m);
      double total = 0.0, square = 0.0, product = 0.0;
      // marginal[e][k]: P(input e sees level k).
      std::vector<std::vector<double>> marginal(m, std::vector<double>(shared.levels.size()));
      for (std::size_t i = 0; i < d.probabilities.size(); ++i) {
        const double p = d.probabilities[i];
        CHECK(p >= 0.0);
        const std::size_t cell = i >> m;
        const auto level = [&](int e) { return d.lower[cell] + d.spacing * ((i >> e) & 1u); };
        total += p;
        square += p * level(0) * level(0);
        product += p * level(0) * level(1);
        for (int e = 0; e < m; ++e) marginal[e][cell + ((i >> e) & 1u)] += p;
      }
      INFO(spec.text << ", m = " << m << ": total " << total << ", E[Q1^2] " << square
                     << " against " << moments.variance << ", E[Q1 Q2] " << product << " against "
                     << moments.covariance);
      CHECK(std::fabs(total - 1.0) <= 1e-12);
      CHECK(std::fabs(square - moments.variance) <= 1e-12);
      CHECK(std::fabs(product - moments.covariance) <= 1e-12);
      for (int e = 0; e < m; ++e)
        for (std::size_t k = 0; k < shared.levels.size(); ++k)
          CHECK(std::fabs(marginal[e][k] - shared.probabilities[k]) <= 1e-12);
    }
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

TEST_CASE("tables too large for the simulation's cache are not built") {
  CHECK(qmf::rounding_patterns(per_example("binary"), 12).inputs == 12);  // 4096 columns
  CHECK(qmf::rounding_patterns(per_example("bits:8"), 4).inputs == 4);    // 256 x 16
  CHECK(qmf::rounding_patterns(per_example("bits:8"), 5).lower.empty());
  CHECK(qmf::rounding_patterns(per_example("bits:4"), 9).lower.empty());
  CHECK(qmf::rounding_patterns(per_example("bits:10"), 2).inputs == 2);  // 1024 x 4
  CHECK(qmf::rounding_patterns(per_example("bits:10"), 3).lower.empty());
  CHECK(qmf::rounding_patterns(per_example("bits:11"), 2).lower.empty());
  CHECK(qmf::rounding_patterns(per_example("bits:32"), 2).lower.empty());
  CHECK(qmf::rounding_patterns(qmf::parse_weight_spec("gaussian"), 2).lower.empty());
}

TEST_CASE("latent normals rounded per input follow the joint table") {
  // 2e5 latent weights, each rounded m times through the rounding's definition.
  constexpr long draws = 200000;
  std::mt19937_64 engine(15);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  for (const char* grid : grids) {
    const auto spec = per_example(grid);
    const qmf::WeightRounding round(spec);
    for (const int m : input_counts) {
      const auto d = qmf::rounding_patterns(spec, m);
      const double top_cell = static_cast<double>(d.lower.size() - 1);
      std::vector<long> counts(d.probabilities.size(), 0);
      long off_cell = 0;  // copies neither at the cell's lower level nor one above
      for (long i = 0; i < draws; ++i) {
        const double z = normal(engine);
        // The cell below the weight; a weight clipped at the top rounds up
        // from the last cell.
        const double cell = std::min(std::floor(round.position(z)), top_cell);
        std::uint32_t pattern = 0;
        for (int e = 0; e < m; ++e) {
          const double k = std::round((round.stochastic(z, uniform(engine)) + spec.grid().top) /
                                      round.spacing());
          off_cell += k != cell && k != cell + 1;
          pattern |= static_cast<std::uint32_t>(k > cell) << e;
        }
        ++counts[(static_cast<std::size_t>(cell) << m) | pattern];
      }
      CHECK(off_cell == 0);
      const auto test = chi_square(counts, d.probabilities, draws);
      INFO(spec.text << ", m = " << m << ": chi-square " << test.statistic << ", threshold "
                     << test.threshold);
      CHECK(test.accepts());
    }
  }
}

TEST_CASE("the alias table draws the joint law, and wrong tables are rejected") {
  // 4e5 words per table.
  constexpr long draws = 400000;
  for (const char* grid : grids) {
    const auto spec = per_example(grid);
    for (const int m : input_counts) {
      const auto d = qmf::rounding_patterns(spec, m);
      const Observed classes = observed(d);
      long off_grid = 0;
      const auto test =
          chi_square(sample_table(d, classes, draws, off_grid), classes.probabilities, draws);
      INFO(spec.text << ", m = " << m << ": chi-square " << test.statistic << ", threshold "
                     << test.threshold);
      CHECK(off_grid == 0);
      CHECK(test.accepts());

      // Shared rounding: each cell's mass on "all down" and "all up" alone,
      // each input's marginal unchanged.
      auto shared = d;
      const std::size_t all = (std::size_t{1} << m) - 1;
      for (std::size_t c = 0; c < d.lower.size(); ++c) {
        double up = 0.0, total = 0.0;
        for (std::size_t pattern = 0; pattern <= all; ++pattern) {
          const double p = d.probabilities[(c << m) | pattern];
          total += p;
          up += p * (pattern & 1u);
          shared.probabilities[(c << m) | pattern] = 0.0;
        }
        shared.probabilities[c << m] = total - up;
        shared.probabilities[(c << m) | all] = up;
      }
      const auto rejected_shared =
          chi_square(sample_table(shared, classes, draws, off_grid), classes.probabilities, draws);
      INFO("shared-rounding table: chi-square " << rejected_shared.statistic);
      CHECK_FALSE(rejected_shared.accepts());

      // Off by one entry: each entry gets the next one's probability.
      auto shifted = d;
      std::rotate(shifted.probabilities.begin(), shifted.probabilities.begin() + 1,
                  shifted.probabilities.end());
      const auto rejected =
          chi_square(sample_table(shifted, classes, draws, off_grid), classes.probabilities, draws);
      INFO("shifted table: chi-square " << rejected.statistic);
      CHECK_FALSE(rejected.accepts());
    }
  }
}
