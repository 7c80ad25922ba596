// Per-example rounding by definition with hashed uniforms
// (simulation/per_example_rows.hpp):
// - bit for bit the documented rule, written here with std::floor and
//   std::nearbyint (the library's portable loop takes floor and the
//   threshold from the bits of t + 2^52, its AVX-512 and AVX2 copies from
//   vrndscalepd and vroundpd):
//   grid points, values just below and above them, the clipped tails,
//   random latent weights, 1 to 5 inputs, each copy;
// - each input rounds up with probability f, unbiased, and inputs are
//   independent (pairs sharing a hash and pairs from different hashes),
//   within 5 standard errors of 40 000 keys;
// - latent normals rounded so follow the exact joint law of (cell, pattern)
//   (weights/rounding_patterns.hpp) on whole-table and finer grids, 2 to 15
//   inputs: Pearson's chi-square on the classes of weights/pattern_law.hpp,
//   family-wise level 1e-3 (Bonferroni over 10 grids x 2 tests); every
//   second input made a copy of the one before is rejected.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "numerics/mix64.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "simulation/per_example_rows.hpp"
#include "simulation/row_copies.hpp"
#include "weights/pattern_law.hpp"

namespace {

using qmf::WeightRounding;

WeightRounding rounding_of(const char* spec) {
  return WeightRounding(
      qmf::parse_weight_spec(std::string(spec) + ",rounding=stochastic-per-example"));
}

using qmf::simulation::RowCopy;

// The rows of `inputs` inputs (padded to pairs, as the caller must).
std::vector<std::vector<double>> rows_of(const WeightRounding& r, const std::vector<double>& z,
                                         std::uint64_t key, int inputs,
                                         RowCopy copy = RowCopy::fastest) {
  const int pairs = (inputs + 1) / 2;
  std::vector<std::vector<double>> rows(2 * pairs, std::vector<double>(z.size()));
  std::vector<double*> pointers;
  for (auto& row : rows) pointers.push_back(row.data());
  qmf::simulation::round_per_example(r, z.data(), static_cast<long>(z.size()), key, pointers.data(),
                                     pairs, copy);
  return rows;
}

// The rule of per_example_rows.hpp, written directly.
double expected(const WeightRounding& r, double z, std::uint64_t key, long n, long j, int input) {
  const double t = r.position(z);
  const double whole = std::floor(t);
  const auto threshold = static_cast<std::uint64_t>(std::nearbyint((t - whole) * 0x1.0p32));
  const std::uint64_t bits =
      qmf::detail::mix(key ^ (static_cast<std::uint64_t>(input / 2 * n + j)));
  const std::uint64_t u = input % 2 == 0 ? bits & 0xffffffffULL : bits >> 32;
  return r.level(whole) + (u < threshold ? r.spacing() : 0.0);
}

}  // namespace

// Each copy: the fastest takes the AVX-512 pass for whole groups of 8 where
// the CPU has it, else the AVX2 pass, the AVX2 copy the AVX2 pass (this
// test's 322 weights leave a tail of 2 for the portable loop), the portable
// one the portable loop throughout.
TEST_CASE("hashed per-example rounding follows its rule bit for bit") {
  for (const RowCopy copy : qmf::test::row_copies) {
    std::mt19937_64 random(11);
    std::normal_distribution<double> normal;
    for (const char* spec : {"binary", "ternary", "bits:4", "bits:14,clip=1.5", "bits:16"}) {
      const WeightRounding r = rounding_of(spec);
      std::vector<double> z;
      // Grid points and their neighbours (f = 0 exactly, f just below 1 and
      // just above 0), the clip edges and beyond, then random latent weights.
      for (double k : {0.0, 1.0, 2.0, 3.0, 100.0, 4000.0}) {
        const double level = r.level(k);
        z.insert(z.end(), {level, std::nextafter(level, -10.0), std::nextafter(level, 10.0)});
      }
      z.insert(z.end(), {-9.0, 9.0, r.level(0.5), r.level(1.25)});
      for (int i = 0; i < 300; ++i) z.push_back(normal(random));
      const auto n = static_cast<long>(z.size());
      for (int inputs = 1; inputs <= 5; ++inputs) {
        const std::uint64_t key = random();
        const auto rows = rows_of(r, z, key, inputs, copy);
        int mismatches = 0;
        for (int e = 0; e < inputs; ++e)
          for (long j = 0; j < n; ++j)
            if (rows[e][j] != expected(r, z[j], key, n, j, e)) ++mismatches;
        INFO(spec << ", " << inputs << " inputs, " << qmf::test::row_copy_name(copy));
        CHECK(mismatches == 0);
      }
    }
  }
}

TEST_CASE("hashed per-example rounding is unbiased and independent across inputs") {
  const WeightRounding r = rounding_of("bits:8");
  // A latent weight at fraction f ~ 0.3 of its cell, three inputs: 0 and 1
  // share a hash, 2 takes the next pair's.
  const double z = r.level(100.3);
  const double t = r.position(z);
  const double f = t - std::floor(t);
  constexpr int draws = 40000;
  double up[3] = {0, 0, 0}, both01 = 0, both02 = 0, mean = 0;
  std::mt19937_64 keys(5);
  for (int i = 0; i < draws; ++i) {
    const auto rows = rows_of(r, {z}, keys(), 3);
    bool moved[3];
    for (int e = 0; e < 3; ++e) {
      moved[e] = rows[e][0] > r.level(std::floor(t));
      up[e] += moved[e];
    }
    both01 += moved[0] && moved[1];
    both02 += moved[0] && moved[2];
    mean += rows[0][0];
  }
  const auto within = [&](double count, double p) {
    const double se = std::sqrt(p * (1 - p) / draws);
    INFO("frequency " << count / draws << ", probability " << p << ", 5 SE " << 5 * se);
    CHECK(std::fabs(count / draws - p) < 5 * se);
  };
  for (double u : up) within(u, f);
  within(both01, f * f);
  within(both02, f * f);
  // E Q = the latent weight: the mean's SE is spacing sqrt(f (1 - f) / draws).
  CHECK(std::fabs(mean / draws - z) < 5 * r.spacing() * std::sqrt(f * (1 - f) / draws));
}

TEST_CASE("latent normals rounded with hashed uniforms follow the joint law") {
  using namespace qmf::test;
  constexpr double level = 1e-3 / (10 * 2);
  constexpr long draws = 200000;
  std::vector<Grid> grids(std::begin(whole), std::begin(whole) + 4);
  grids.insert(grids.end(), std::begin(fine), std::end(fine));
  qmf::simulation::NormalGenerator normals(3, 0, 1, qmf::simulation::Stream::weights);
  std::vector<double> z(draws);
  for (const Grid& g : grids) {
    const auto d = lattice(g);
    const Classes classes{d};
    const auto law = class_law(classes, exact_law(d), true);
    normals.fill(z.data(), draws);
    std::uint64_t key = 0;
    normals.fill_bits(&key, 1);
    const int pairs = (g.inputs + 1) / 2;
    Rows rows(2 * pairs, draws);
    qmf::simulation::round_per_example(WeightRounding(per_example(g.spec)), z.data(), draws, key,
                                       rows.pointers.data(), pairs);
    long off_grid = 0, unknown = 0;
    const auto test =
        test_counts(classify(classes, rows.values, off_grid), law, draws, level, unknown);
    INFO(g.spec << ", m = " << g.inputs << ": chi-square " << test.statistic << ", threshold "
                << test.threshold);
    CHECK(off_grid == 0);
    CHECK(unknown == 0);
    CHECK(test.accepts());

    // Every second input a copy of the one before: the same marginals,
    // another joint law.
    for (int e = 1; e < g.inputs; e += 2) rows.values[e] = rows.values[e - 1];
    const auto rejected =
        test_counts(classify(classes, rows.values, off_grid), law, draws, level, unknown);
    INFO("copied inputs: chi-square " << rejected.statistic);
    CHECK_FALSE(rejected.accepts());
  }
}
