// The Lloyd-Max quantizer of N(0, 1): the optimality conditions checked with
// closed-form cell moments, Max's (1960) published table, the `lloyd:N`
// activation through the generic maps, and the Lloyd-Max family of chi_max.
#include <catch2/catch.hpp>
#include <cmath>

#include "qmf/activations/lloyd_max.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/numerics/gaussian.hpp"

using namespace qmf;

TEST_CASE("Lloyd-Max conditions hold, checked with closed-form centroids") {
  // Centroid of (a, b): (pdf(a) - pdf(b)) / P(a < z < b), the textbook form
  // (independent of the solver's cell quadrature). For cells wider than 0.05
  // (N <= 64) it cancels by < 3 digits: 1e-12 absolute is safe.
  for (int n : {2, 3, 4, 5, 8, 16, 31, 64}) {
    const auto q = lloyd_max_quantizer(n);
    REQUIRE(q.thresholds.size() == static_cast<std::size_t>(n - 1));
    REQUIRE(q.levels.size() == static_cast<std::size_t>(n));
    for (int m = 0; m < n; ++m) {
      const double a = m == 0 ? -INFINITY : q.thresholds[m - 1];
      const double b = m == n - 1 ? INFINITY : q.thresholds[m];
      const double pdf_a = std::isinf(a) ? 0.0 : normal_pdf(a);
      const double pdf_b = std::isinf(b) ? 0.0 : normal_pdf(b);
      INFO("N = " << n << ", cell " << m);
      CHECK(q.levels[m] ==
            Approx((pdf_a - pdf_b) / normal_interval(a, b)).epsilon(0).margin(1e-12));
    }
    for (int k = 0; k < n - 1; ++k)
      CHECK(q.thresholds[k] ==
            Approx(0.5 * (q.levels[k] + q.levels[k + 1])).epsilon(0).margin(1e-14));
  }
}

TEST_CASE("Max (1960): published Lloyd-Max quantizers of the Gaussian") {
  // Max's table gives 4 decimals.
  const auto four = lloyd_max_quantizer(4);
  CHECK(four.thresholds[2] == Approx(0.9816).epsilon(0).margin(1e-4));
  CHECK(four.levels[2] == Approx(0.4528).epsilon(0).margin(1e-4));
  CHECK(four.levels[3] == Approx(1.510).epsilon(0).margin(1e-3));
  CHECK(lloyd_max_quantizer(2).levels[1] == Approx(std::sqrt(2.0 / M_PI)).epsilon(1e-15));
  CHECK(quantizer_mse(lloyd_max_quantizer(2)) == Approx(1.0 - 2.0 / M_PI).epsilon(1e-15));
  CHECK(quantizer_mse(four) == Approx(0.1175).epsilon(0).margin(1e-4));
  CHECK(quantizer_mse(lloyd_max_quantizer(8)) == Approx(0.03454).epsilon(0).margin(1e-5));
  CHECK(quantizer_mse(lloyd_max_quantizer(16)) == Approx(0.009497).epsilon(0).margin(1e-5));
}

TEST_CASE("lloyd:N through the generic maps: chi_max = 1 - MSE at q* = S^2") {
  // The activation scaled by S reaches chi_max at q* = S^2; Owen's-T orthant
  // probabilities give chi to ~1e-13.
  for (int n : {3, 6, 16}) {
    for (double scale : {1.0, 0.5}) {
      const auto phi =
          make_activation("lloyd:" + std::to_string(n) + ",S=" + std::to_string(scale));
      const double q = scale * scale;
      const Initialization init{q / phi->second_moment(q), 0.0};
      INFO(phi->spec());
      CHECK(correlation_map_slope(*phi, init, q, 0.0) ==
            Approx(lloyd_max_optimum(n).chi_max).epsilon(1e-12));
      CHECK(init.sw2 == Approx(lloyd_max_optimum(n).sw2_opt).epsilon(1e-12));
    }
  }
  CHECK(make_lloyd_max_activation(4, 0.5)->spec() == "lloyd:4,S=0.5");
  CHECK_THROWS_AS(lloyd_max_quantizer(1), std::invalid_argument);
  CHECK_THROWS_AS(make_activation("lloyd:1"), std::invalid_argument);
}

TEST_CASE("Lloyd-Max beats the uniform quantizer, and they coincide at N = 2, 3") {
  for (int n = 2; n <= 200; ++n) {
    const double lloyd = lloyd_max_optimum(n).one_minus_chi_max;
    const double uniform = uniform_quantizer_optimum(n).one_minus_chi_max;
    INFO("N = " << n);
    if (n <= 3)
      CHECK(lloyd == Approx(uniform).epsilon(1e-13));
    else
      CHECK(lloyd < uniform);
  }
}

TEST_CASE("large N: the solver converges and approaches Panter-Dite") {
  // N^2 MSE -> sqrt(3) pi / 2 = 2.7207 (Panter and Dite 1951), from below.
  const auto q = lloyd_max_quantizer(4096);
  for (std::size_t k = 0; k < q.thresholds.size(); ++k)
    REQUIRE(q.thresholds[k] ==
            Approx(-q.thresholds[q.thresholds.size() - 1 - k]).epsilon(0).margin(0.0));
  const double n2_mse = 4096.0 * 4096.0 * quantizer_mse(q);
  CHECK(n2_mse < std::sqrt(3.0) * M_PI / 2);
  CHECK(n2_mse == Approx(std::sqrt(3.0) * M_PI / 2).epsilon(2e-3));
}
