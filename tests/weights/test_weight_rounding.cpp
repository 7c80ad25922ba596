// The rounding the simulated nets apply (qmf/weights/weight_rounding.hpp):
// nearest rounding lands on the grid's nearest level, stochastic rounding is
// unbiased, and the moments of rounded Gaussian weights match the exact
// weight_moments within 5 standard errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "qmf/weights/weight_rounding.hpp"

namespace {

const char* const grids[] = {"binary",        "ternary", "ternary,p=0.6", "bits:2",
                             "bits:3,clip=2", "bits:4",  "bits:8,clip=4"};

std::vector<double> full_grid(const qmf::WeightSpec& spec) {
  std::vector<double> grid;
  for (double y : spec.positive_levels()) {
    grid.push_back(y);
    if (y > 0.0) grid.push_back(-y);
  }
  std::sort(grid.begin(), grid.end());
  return grid;
}

qmf::WeightSpec spec_with(const char* grid, const char* rounding) {
  return qmf::parse_weight_spec(std::string(grid) + ",rounding=" + rounding);
}

struct Mean {
  double sum = 0.0, squares = 0.0;
  long n = 0;
  void add(double x) {
    sum += x;
    squares += x * x;
    ++n;
  }
  double mean() const { return sum / n; }
  // Clamped at 0: a constant sample (a clipped weight) rounds to -1e-17.
  double se() const { return std::sqrt(std::max(0.0, squares / n - mean() * mean()) / (n - 1)); }
};

}  // namespace

TEST_CASE("nearest rounding returns the nearest level of the grid") {
  std::mt19937_64 engine(11);
  std::normal_distribution<double> normal(0.0, 2.0);
  for (const char* grid : grids) {
    const auto spec = spec_with(grid, "nearest");
    const qmf::WeightRounding round(spec);
    const auto levels = full_grid(spec);
    for (int i = 0; i < 20000; ++i) {
      const double z = normal(engine);
      const double q = round.nearest(z);
      // Brute force: the level at least distance (ties have probability 0).
      const double best = *std::min_element(levels.begin(), levels.end(), [z](double a, double b) {
        return std::fabs(a - z) < std::fabs(b - z);
      });
      INFO(spec.text << ": z = " << z);
      REQUIRE(std::fabs(q - best) <= 1e-12 * (1.0 + std::fabs(best)));
    }
  }
}

TEST_CASE("stochastic rounding picks a neighbouring level and is unbiased on the clipped weight") {
  // 2e5 roundings of each z: SE <= spacing / 900; 5 SE is the tolerance.
  std::mt19937_64 engine(12);
  std::uniform_real_distribution<double> uniform;
  for (const char* grid : grids) {
    const auto spec = spec_with(grid, "stochastic");
    const qmf::WeightRounding round(spec);
    const auto levels = full_grid(spec);
    for (double z : {-5.0, -1.3, -0.2, 0.0, 0.37, 0.9, 2.6, 7.0}) {
      const double clipped = std::clamp(z, levels.front(), levels.back());
      const auto above = std::lower_bound(levels.begin(), levels.end(), clipped);
      Mean q;
      for (int i = 0; i < 200000; ++i) {
        const double value = round.stochastic(z, uniform(engine));
        q.add(value);
        // Levels computed two ways (k spacing, clip k / count) differ by rounding.
        auto is = [value](double level) { return std::fabs(value - level) <= 1e-12; };
        const bool neighbour = is(*above) || (above != levels.begin() && is(above[-1]));
        if (!neighbour) FAIL(spec.text << ": z = " << z << " rounded to " << value);
      }
      INFO(spec.text << ": z = " << z << ", E[Q] = " << q.mean() << " +- " << q.se());
      CHECK(std::fabs(q.mean() - clipped) <= 5.0 * q.se() + 1e-9);  // + summation rounding
    }
  }
}

TEST_CASE("rounded Gaussian weights have the exact E[Q^2], E[Q Q'] and nu") {
  // 4e5 weights per spec: SE ~2e-3 on each moment; 5 SE over 63 comparisons.
  // nu is measured as E[(Q1 - Q2)^2] / 2 over two independent roundings of
  // the same weight, an estimator independent of the exact cell integral.
  std::mt19937_64 engine(13);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  for (const char* grid : grids) {
    for (const char* rounding : {"nearest", "stochastic", "stochastic-per-example"}) {
      const auto spec = spec_with(grid, rounding);
      const qmf::WeightRounding round(spec);
      const auto exact = qmf::weight_moments(spec);
      Mean variance, covariance, nu;
      for (long i = 0; i < 400000; ++i) {
        const double z = normal(engine);
        if (spec.rounding == qmf::Rounding::nearest) {
          const double q = round.nearest(z);
          variance.add(q * q);
          covariance.add(q * q);
          nu.add(0.0);
          continue;
        }
        const double q1 = round.stochastic(z, uniform(engine));
        const double q2 = round.stochastic(z, uniform(engine));
        const double shared = spec.rounding == qmf::Rounding::stochastic ? q1 : q2;
        variance.add(q1 * q1);
        covariance.add(q1 * shared);
        nu.add(0.5 * (q1 - q2) * (q1 - q2));
      }
      INFO(spec.text << ": exact " << exact.variance << ", " << exact.covariance << ", "
                     << exact.rounding_variance << "; simulated " << variance.mean() << " +- "
                     << variance.se() << ", " << covariance.mean() << " +- " << covariance.se()
                     << ", " << nu.mean() << " +- " << nu.se());
      CHECK(std::fabs(exact.variance - variance.mean()) <= 5.0 * variance.se());
      CHECK(std::fabs(exact.covariance - covariance.mean()) <= 5.0 * covariance.se());
      CHECK(std::fabs(exact.rounding_variance - nu.mean()) <= 5.0 * nu.se() + 1e-15);
    }
  }
}

TEST_CASE("bits:32 rounds within half a cell, unbiased, with the exact moments") {
  // 2^32 - 2 cells of D = 1.4e-9: a weight's grid position t ~ 2^32 carries a
  // rounding error of 2^-21 cells, so nearest rounding moves it by at most
  // D (1/2 + 1e-6). The moments against 4e5 draws within 5 standard errors,
  // nu (~3e-19) measured in units of D^2, where (Q1 - Q2) / D is 0 or +-1.
  const auto spec = spec_with("bits:32", "stochastic-per-example");
  const qmf::WeightRounding round(spec);
  const double spacing = round.spacing();
  const auto exact = qmf::weight_moments(spec);
  std::mt19937_64 engine(14);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Mean variance, covariance, nu, bias;
  double worst = 0.0;
  for (long i = 0; i < 400000; ++i) {
    const double z = normal(engine);
    const double clipped = std::clamp(z, -3.0, 3.0);
    worst = std::max(worst, std::fabs(round.nearest(z) - clipped) / spacing);
    const double q1 = round.stochastic(z, uniform(engine));
    const double q2 = round.stochastic(z, uniform(engine));
    variance.add(q1 * q1);
    covariance.add(q1 * q2);
    nu.add(0.5 * std::pow((q1 - q2) / spacing, 2));
    bias.add((q1 - clipped) / spacing);
  }
  INFO("largest |Q - z| / D " << worst << "; nu / D^2 "
                              << exact.rounding_variance / spacing / spacing << " exact, "
                              << nu.mean() << " +- " << nu.se());
  CHECK(worst <= 0.5 + 1e-6);
  CHECK(std::fabs(exact.variance - variance.mean()) <= 5.0 * variance.se());
  CHECK(std::fabs(exact.covariance - covariance.mean()) <= 5.0 * covariance.se());
  CHECK(std::fabs(exact.rounding_variance / spacing / spacing - nu.mean()) <= 5.0 * nu.se());
  CHECK(std::fabs(bias.mean()) <= 5.0 * bias.se() + 1e-6);
}

TEST_CASE("Gaussian weights are not rounded") {
  const qmf::WeightRounding round(qmf::parse_weight_spec("gaussian"));
  CHECK(round.is_identity());
  CHECK(round.nearest(0.123) == 0.123);
  CHECK(round.stochastic(-4.5, 0.3) == -4.5);
}
