// Rounded Gaussian weights drawn from their exact distribution on the grid
// (weights/level_sampler.hpp), as the simulated layers draw them:
// - the probabilities sum to 1 and give the exact E[Q^2] of weight_moments
//   (Gaussian cell integrals computed another way), to 1e-12;
// - latent normals rounded by WeightRounding (the definition) land on the
//   levels with these probabilities: Pearson's chi-square;
// - the alias table fed with the simulation's 32-bit uniforms does too, and
//   its mean Q^2 is E[Q^2] within 5 standard errors;
// - a table with 1 % of the mass of one level moved to its neighbour is
//   rejected by the same chi-square test.
// Chi-square: bins with expected count >= 5 (the rest pooled), rejection at a
// family-wise level of 1e-3 (Bonferroni over the 42 tests of the file).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/chi_square.hpp"
#include "weights/level_sampler.hpp"

namespace {

const char* const grids[] = {"binary",        "ternary", "ternary,p=0.6", "bits:2",
                             "bits:3,clip=2", "bits:4",  "bits:8,clip=4"};
constexpr int chi_square_tests = 7 * 2 * 3;

using qmf::test::ChiSquare;

// Pearson's chi-square (tests/weights/chi_square.hpp) at this file's share of 1e-3.
ChiSquare chi_square(const std::vector<long>& counts, const std::vector<double>& p, long draws) {
  return qmf::test::chi_square(counts, p, draws, 1e-3 / chi_square_tests);
}

long level_index(const std::vector<double>& levels, double q) {
  for (std::size_t k = 0; k < levels.size(); ++k)
    if (std::fabs(levels[k] - q) <= 1e-12 * (1.0 + std::fabs(q))) return static_cast<long>(k);
  return -1;
}

struct Sample {
  std::vector<long> counts;
  double mean_square = 0.0, se = 0.0;
  bool on_grid = true;
};

// Levels of `draws` samples of the table of `table`, with the simulation's uniforms.
Sample sample_table(const qmf::LevelDistribution& table, const std::vector<double>& levels,
                    long draws) {
  const qmf::LevelSampler sampler(table);
  qmf::simulation::NormalGenerator uniforms(7, 0, 1, qmf::simulation::Stream::weights);
  std::vector<double> q(static_cast<std::size_t>(draws));
  uniforms.fill_uniform(q.data(), draws);
  sampler.sample(q.data(), q.data(), draws);
  Sample s;
  s.counts.assign(levels.size(), 0);
  double sum = 0.0, squares = 0.0;
  for (const double x : q) {
    const long k = level_index(levels, x);
    if (k < 0) {
      s.on_grid = false;
      continue;
    }
    ++s.counts[k];
    sum += x * x;
    squares += x * x * x * x;
  }
  s.mean_square = sum / draws;
  s.se = std::sqrt((squares / draws - s.mean_square * s.mean_square) / (draws - 1));
  return s;
}

}  // namespace

TEST_CASE("the level distribution sums to 1 and has the exact E[Q^2]") {
  for (const char* grid : grids) {
    for (const char* rounding : {"nearest", "stochastic"}) {
      const auto spec = qmf::parse_weight_spec(std::string(grid) + ",rounding=" + rounding);
      const auto d = qmf::level_distribution(spec);
      double total = 0.0, mean = 0.0, second = 0.0;
      for (std::size_t k = 0; k < d.levels.size(); ++k) {
        CHECK(d.probabilities[k] >= 0.0);
        total += d.probabilities[k];
        mean += d.probabilities[k] * d.levels[k];
        second += d.probabilities[k] * d.levels[k] * d.levels[k];
      }
      INFO(spec.text << ": total " << total << ", E[Q^2] " << second << " against "
                     << qmf::weight_moments(spec).variance);
      CHECK(std::fabs(total - 1.0) <= 1e-12);
      CHECK(std::fabs(mean) <= 1e-12);
      CHECK(std::fabs(second - qmf::weight_moments(spec).variance) <= 1e-12);
    }
  }
}

TEST_CASE("rounded latent normals follow the level distribution") {
  // 2e5 latent weights through the rounding's definition.
  constexpr long draws = 200000;
  qmf::test::LatentWeights latent(14);
  for (const char* grid : grids) {
    for (const char* rounding : {"nearest", "stochastic"}) {
      const auto spec = qmf::parse_weight_spec(std::string(grid) + ",rounding=" + rounding);
      const qmf::WeightRounding round(spec);
      const auto d = qmf::level_distribution(spec);
      std::vector<long> counts(d.levels.size(), 0);
      for (long i = 0; i < draws; ++i) {
        const double z = latent.normal();
        const double q = spec.rounding == qmf::Rounding::nearest
                             ? round.nearest(z)
                             : round.stochastic(z, latent.uniform());
        const long k = level_index(d.levels, q);
        REQUIRE(k >= 0);
        ++counts[k];
      }
      const auto test = chi_square(counts, d.probabilities, draws);
      INFO(spec.text << ": chi-square " << test.statistic << ", threshold " << test.threshold);
      CHECK(test.accepts());
    }
  }
}

TEST_CASE("the alias table draws the level distribution, and a wrong table is rejected") {
  // 1e6 uniforms: 5 SE of the mean Q^2 is ~0.007 E[Q^2] for bits:2.
  constexpr long draws = 1000000;
  for (const char* grid : grids) {
    for (const char* rounding : {"nearest", "stochastic"}) {
      const auto spec = qmf::parse_weight_spec(std::string(grid) + ",rounding=" + rounding);
      const auto d = qmf::level_distribution(spec);
      const Sample s = sample_table(d, d.levels, draws);
      const auto test = chi_square(s.counts, d.probabilities, draws);
      const double exact = qmf::weight_moments(spec).variance;
      INFO(spec.text << ": chi-square " << test.statistic << ", threshold " << test.threshold
                     << "; E[Q^2] " << s.mean_square << " +- " << s.se << " against " << exact);
      CHECK(s.on_grid);
      CHECK(test.accepts());
      CHECK(std::fabs(s.mean_square - exact) <= 5.0 * s.se);

      // 1 % of the most probable level's mass moved to the level above it
      // (or below, for the top level).
      auto wrong = d;
      std::size_t k = 0;
      for (std::size_t i = 0; i < d.levels.size(); ++i)
        if (d.probabilities[i] > d.probabilities[k]) k = i;
      const std::size_t to = k + 1 < d.levels.size() ? k + 1 : k - 1;
      wrong.probabilities[k] -= 0.01;
      wrong.probabilities[to] += 0.01;
      const Sample w = sample_table(wrong, d.levels, draws);
      const auto rejected = chi_square(w.counts, d.probabilities, draws);
      INFO("wrong table: chi-square " << rejected.statistic);
      CHECK_FALSE(rejected.accepts());
    }
  }
}
