// Weight specs: parsing, and the exact moments of quantized weights against a
// direct simulation of the rounding (Monte Carlo within 5 standard errors)
// and against identities that hold exactly.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "qmf/weights/weight_spec.hpp"
#include "weights/fine_grid_moments.hpp"

using qmf::Rounding;
using qmf::WeightSpec;

namespace {

// Rounding written out directly from the grid: the nearest level, or the
// neighbour above with probability (x - lower) / spacing after clipping.
struct Rounder {
  std::vector<double> grid;  // all levels, sorted

  explicit Rounder(const WeightSpec& spec) {
    for (double y : spec.positive_levels()) {
      grid.push_back(y);
      if (y > 0.0) grid.push_back(-y);
    }
    std::sort(grid.begin(), grid.end());
  }
  double clip(double x) const { return std::clamp(x, grid.front(), grid.back()); }
  double nearest(double x) const {
    return *std::min_element(grid.begin(), grid.end(), [x](double a, double b) {
      return std::fabs(a - x) < std::fabs(b - x);
    });
  }
  double stochastic(double x, double u) const {
    const double c = clip(x);
    auto upper = std::lower_bound(grid.begin(), grid.end(), c);
    if (upper == grid.begin()) return *upper;
    const double hi = *upper;
    const double lo = *(upper - 1);
    return u < (c - lo) / (hi - lo) ? hi : lo;
  }
};

struct Mean {
  double sum = 0.0, squares = 0.0;
  long n = 0;
  void add(double x) {
    sum += x;
    squares += x * x;
    ++n;
  }
  double mean() const { return sum / n; }
  double se() const { return std::sqrt((squares / n - mean() * mean()) / (n - 1)); }
};

}  // namespace

TEST_CASE("exact weight moments agree with simulated rounding within 5 standard errors") {
  // 4e5 weights: standard errors ~2e-3; 5 SE keeps a false alarm below 1e-6
  // per comparison over the 33 comparisons here.
  std::mt19937_64 engine(2026);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  for (const char* base : {"binary", "ternary", "ternary,p=0.6", "bits:2", "bits:3,clip=2",
                           "bits:4", "bits:8,clip=4"}) {
    for (const char* rounding : {"nearest", "stochastic", "stochastic-per-example"}) {
      const WeightSpec spec = qmf::parse_weight_spec(std::string(base) + ",rounding=" + rounding);
      const auto exact = qmf::weight_moments(spec);
      const Rounder round(spec);
      Mean variance, covariance, bias;
      for (long i = 0; i < 400000; ++i) {
        const double w = normal(engine);
        if (spec.rounding == Rounding::nearest) {
          const double q = round.nearest(w);
          variance.add(q * q);
          covariance.add(q * q);
          continue;
        }
        const double q1 = round.stochastic(w, uniform(engine));
        const double q2 =
            spec.rounding == Rounding::stochastic ? q1 : round.stochastic(w, uniform(engine));
        variance.add(q1 * q1);
        covariance.add(q1 * q2);
        bias.add(q1 - round.clip(w));
      }
      INFO(spec.text << ": exact " << exact.variance << ", " << exact.covariance << "; simulated "
                     << variance.mean() << " +- " << variance.se() << ", " << covariance.mean()
                     << " +- " << covariance.se());
      CHECK(std::fabs(exact.variance - variance.mean()) <= 5.0 * variance.se());
      CHECK(std::fabs(exact.covariance - covariance.mean()) <= 5.0 * covariance.se());
      // Stochastic rounding is unbiased on the clipped weight.
      if (bias.n > 0) CHECK(std::fabs(bias.mean()) <= 5.0 * bias.se());
    }
  }
}

TEST_CASE("weight moments satisfy exact identities") {
  // Binary weights are +-1 whatever the rounding: E[Q^2] = 1, so the
  // clipped moment and the rounding variance must add to 1 exactly.
  for (const char* rounding : {"nearest", "stochastic", "stochastic-per-example"}) {
    const auto m =
        qmf::weight_moments(qmf::parse_weight_spec(std::string("binary,rounding=") + rounding));
    CHECK(m.variance == Approx(1.0).epsilon(1e-14));
  }
  // A 20-bit grid clipped at 8 sigma is the identity to ~1e-10.
  const auto fine = qmf::weight_moments(qmf::parse_weight_spec("bits:20,clip=8"));
  CHECK(fine.variance == Approx(1.0).epsilon(1e-9));
  // Nearest rounding has no per-example noise; per-example stochastic
  // rounding separates it: variance - covariance = nu.
  const auto shared = qmf::weight_moments(qmf::parse_weight_spec("bits:3,rounding=stochastic"));
  const auto separate =
      qmf::weight_moments(qmf::parse_weight_spec("bits:3,rounding=stochastic-per-example"));
  CHECK(shared.variance == separate.variance);
  CHECK(separate.variance - separate.covariance == Approx(separate.rounding_variance));
  const auto prior =
      qmf::weight_prior(qmf::parse_weight_spec("bits:3,rounding=stochastic-per-example"), 2.0);
  CHECK(prior.variance == Approx(2.0 * separate.covariance));
  CHECK(prior.per_example_noise == Approx(2.0 * separate.rounding_variance));
  // Gaussian weights are the identity.
  const auto gaussian = qmf::weight_prior(qmf::parse_weight_spec("gaussian"), 1.7);
  CHECK(gaussian.variance == 1.7);
  CHECK(gaussian.per_example_noise == 0.0);
}

TEST_CASE("fine-grid expansions of E[Q^2] and nu agree with the sums over cells") {
  // Grids of more than 2^14 cells (bits:15 to bits:32) take their moments
  // from the expansion in the spacing D; here both routes meet on coarser
  // grids (bits:5 to bits:14, summed over cells), where the expansion's D^4
  // and D^6 terms still matter (at bits:5, clip 1.5: 8e-5 and 1e-9 of nu).
  // Tolerances: the first omitted term, O(D^8 pdf(L) L^5) (measured: 1e-10
  // of nu and 5e-9 of E[Q^2] - E[clip^2] at bits:5, clip 3, D = 0.2; 1e-5 D^6
  // and 1e-3 D^6 relative), and the cell sums' rounding: 1e-12 of nu (a
  // difference of normal CDFs per cell, 5e-13 measured at bits:14), 1e-14
  // absolute for E[Q^2] - E[clip^2], a difference of two numbers near 1.
  // A coefficient off by 1 % (180 -> 181.8) fails.
  for (const double clip : {1.5, 3.0, 8.0}) {
    for (int bits = 5; bits <= 14; ++bits) {
      const std::string base = "bits:" + std::to_string(bits) + ",clip=" + std::to_string(clip);
      const WeightSpec nearest = qmf::parse_weight_spec(base);
      const WeightSpec per_example =
          qmf::parse_weight_spec(base + ",rounding=stochastic-per-example");
      const auto grid = nearest.grid();
      REQUIRE(grid.cells == (std::int64_t{1} << bits) - 2);
      const auto summed = qmf::weight_moments(nearest);
      const auto stochastic = qmf::weight_moments(per_example);
      const double clipped = stochastic.covariance;  // E[clip(z)^2]
      const double nu = qmf::detail::fine_grid_rounding_variance(grid.top, grid.spacing);
      const double excess = qmf::detail::fine_grid_nearest_excess(grid.top, grid.spacing);
      const double d6 = std::pow(grid.spacing, 6);
      INFO(nearest.text << ": nu " << stochastic.rounding_variance << " summed, relative "
                        << (nu - stochastic.rounding_variance) / nu << " off; E[Q^2] - E[clip^2] "
                        << summed.variance - clipped << " summed, "
                        << excess - (summed.variance - clipped) << " off");
      CHECK(std::fabs(nu - stochastic.rounding_variance) <= (1e-12 + 1e-5 * d6) * nu);
      CHECK(std::fabs(excess - (summed.variance - clipped)) <= 1e-14 + 1e-3 * d6 * excess);
    }
  }
}

TEST_CASE("bits:32 has 2^32 - 2 cells and moments a cell width from the clipped weight") {
  const auto spec = qmf::parse_weight_spec("bits:32,rounding=stochastic-per-example");
  const auto grid = spec.grid();
  CHECK(grid.cells == 4294967294);
  CHECK(grid.spacing == 3.0 / 2147483647.0);
  // nu = D^2 P(|z| < 3) / 6 to 1e-18 relative; E[Q Q'] = E[clip(z)^2], and
  // nearest rounding adds D^2 (P/12 + 3 pdf(3)/6) = 1.6e-19 to it, below
  // double precision.
  const auto m = qmf::weight_moments(spec);
  const double d2 = grid.spacing * grid.spacing;
  CHECK(m.rounding_variance == Approx(d2 * (1.0 - 0.0026997960632601866) / 6.0).epsilon(1e-15));
  CHECK(qmf::weight_prior(spec, 2.0).per_example_noise == 2.0 * m.rounding_variance);
  const auto nearest = qmf::weight_moments(qmf::parse_weight_spec("bits:32"));
  CHECK(nearest.variance == m.covariance);
  CHECK_THROWS_AS(spec.positive_levels(), std::invalid_argument);  // 2^31 levels: 16 GB
}

TEST_CASE("ternary levels put the requested mass on zero") {
  const auto levels = qmf::parse_weight_spec("ternary,p=0.5").positive_levels();
  REQUIRE(levels.size() == 2);
  // P(|z| < s/2) = 0.5 <=> s/2 = 0.6744897501960817 (the normal's 75 % point).
  CHECK(levels[1] / 2.0 == Approx(0.6744897501960817).epsilon(1e-14));
}

TEST_CASE("bad weight specs are one-line errors naming the spec") {
  for (const char* bad :
       {"", "gauss", "bits:1", "bits:2.5", "bits:3,clip=-1", "bits:4,clip=1e-200", "ternary,p=1",
        "binary,rounding=up", "gaussian,rounding=nearest", "bits:4,p=0.5", "binary,", "bits:x",
        "bits:33", "bits:4,clip=3,clip=2", "binary,rounding=nearest,rounding=stochastic",
        "ternary,p=0.5,p=0.2", "ternary,p=1e-170", "ternary,p=0.99999"}) {
    INFO("spec '" << bad << "'");
    try {
      (void)qmf::parse_weight_spec(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK(message.rfind("weights '" + std::string(bad) + "'", 0) == 0);
      CHECK(message.find('\n') == std::string::npos);
    }
  }
  CHECK(qmf::parse_weight_spec("bits:4").text == "bits:4,clip=3,rounding=nearest");
  // The canonical spec spells B in decimal without leading zeros, as the clip.
  CHECK(qmf::parse_weight_spec("bits:004,clip=03").text == "bits:4,clip=3,rounding=nearest");
  CHECK(qmf::parse_weight_spec("ternary,p=1e-4").zero_fraction == 1e-4);  // the bound itself
}
