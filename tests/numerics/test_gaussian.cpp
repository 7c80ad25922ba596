// Normal and bivariate-normal probabilities: two independent routes to every
// orthant probability (Owen's T and Plackett's integral), closed-form special
// cases, and a Monte Carlo check.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "qmf/numerics/gaussian.hpp"

using qmf::bivariate_normal_upper;
using qmf::bivariate_normal_upper_plackett;

namespace {
constexpr double pi = 3.14159265358979323846;
}

TEST_CASE("normal_interval agrees with extended-precision differences") {
  // The reference differences two long double (64-bit mantissa) upper tails,
  // taken on the side where both are small (by symmetry), so each tail is
  // exact to ~1e-19 relative; for the intervals below (width >= 1e-3, at most
  // a factor ~1e4 of cancellation) that leaves ~1e-15 relative, and 3e-15
  // allows the double result a few ulps more.
  auto upper_tail = [](long double x) { return 0.5L * std::erfc(x / std::sqrt(2.0L)); };
  auto reference = [&](long double a, long double b) {
    if (b <= 0) return upper_tail(-b) - upper_tail(-a);
    if (a >= 0) return upper_tail(a) - upper_tail(b);
    return 1.0L - upper_tail(-a) - upper_tail(b);
  };
  for (double a : {-6.0, -2.0, -0.3, 0.0, 0.7, 3.0, 5.5}) {
    for (double width : {1e-3, 0.1, 0.49, 0.51, 2.0, 10.0}) {
      INFO("a = " << a << ", width = " << width);
      const double exact = static_cast<double>(reference(a, a + width));
      CHECK(qmf::normal_interval(a, a + width) == Approx(exact).epsilon(3e-15));
    }
  }
  CHECK(qmf::normal_interval(-INFINITY, INFINITY) == Approx(1.0).epsilon(1e-16));
  CHECK(qmf::normal_interval(1.0, 1.0) == 0.0);
  CHECK(qmf::normal_sf(10.0) == Approx(7.6198530241604696e-24).epsilon(1e-14));
}

TEST_CASE("Owen's T and Plackett integration agree to 1e-14") {
  // Both are accurate to a few ulps of an O(1) probability; 1e-14 absolute
  // leaves room for the quadrature tolerance of the Plackett route.
  for (double a : {-3.0, -1.2, -0.3, 0.0, 0.4, 1.5, 3.5}) {
    for (double b : {-2.5, -0.6, 0.0, 0.25, 1.0, 4.0}) {
      for (double rho : {-0.999, -0.7, -0.2, 0.0, 0.3, 0.8, 0.95, 0.9999}) {
        INFO("a = " << a << ", b = " << b << ", rho = " << rho);
        CHECK(std::fabs(bivariate_normal_upper(a, b, rho) -
                        bivariate_normal_upper_plackett(a, b, rho)) <= 1e-14);
      }
    }
  }
}

TEST_CASE("Orthant probabilities in closed form") {
  for (double rho : {-0.9, -0.3, 0.0, 0.5, 0.99}) {
    // Sheppard's formula for the quadrant.
    CHECK(bivariate_normal_upper(0.0, 0.0, rho) ==
          Approx(0.25 + std::asin(rho) / (2 * pi)).epsilon(1e-15));
    // Thresholds whose product underflows are still on the same side of 0
    // (1e-200: h k = 0 in doubles); the quadrant's value to rounding.
    for (const double t : {1e-200, -1e-200, 1e-300})
      CHECK(bivariate_normal_upper(t, t, rho) ==
            Approx(0.25 + std::asin(rho) / (2 * pi)).epsilon(1e-15));
  }
  for (double a : {-1.0, 0.0, 2.0}) {
    for (double b : {-0.5, 0.0, 1.5}) {
      // Owen's formula subtracts T values from O(1) distribution values:
      // a few ulps of 1 absolute, not relative to the (small) result.
      CHECK(bivariate_normal_upper(a, b, 0.0) ==
            Approx(qmf::normal_sf(a) * qmf::normal_sf(b)).epsilon(0).margin(1e-15));
      CHECK(bivariate_normal_upper(a, b, 1.0) == qmf::normal_sf(std::max(a, b)));
      CHECK(bivariate_normal_upper(a, b, -1.0) ==
            Approx(qmf::normal_interval(a, -b)).epsilon(0).margin(1e-16));
      // The limits rho -> +-1 are continuous: the orthant probability moves
      // by O(sqrt(1 - rho)) = 1e-6 there.
      CHECK(bivariate_normal_upper(a, b, 1.0 - 1e-12) ==
            Approx(bivariate_normal_upper(a, b, 1.0)).epsilon(0).margin(1e-6));
    }
  }
}

TEST_CASE("Orthant probabilities against Monte Carlo") {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal;
  constexpr int samples = 400000;
  for (const auto& [a, b, rho] :
       {std::tuple{0.3, -0.8, 0.6}, std::tuple{-1.0, 1.2, -0.4}, std::tuple{0.0, 0.5, 0.95}}) {
    int hits = 0;
    const double s = std::sqrt(1 - rho * rho);
    for (int i = 0; i < samples; ++i) {
      const double z1 = normal(rng);
      const double z2 = rho * z1 + s * normal(rng);
      hits += (z1 > a && z2 > b);
    }
    const double p = bivariate_normal_upper(a, b, rho);
    // Five binomial standard errors: a false failure has probability ~6e-7.
    const double standard_error = std::sqrt(p * (1 - p) / samples);
    CHECK(std::fabs(static_cast<double>(hits) / samples - p) <= 5 * standard_error);
  }
}
