// The uniform N-level quantizer's chi(D~), its optimum and the L_max fit
// (theory.md section 3), each checked against an independent route: the
// generic step-activation maps, the literal O(N^2) double sum, finite
// differences, a bracketing maximiser, direct quadrature with a minimised gain
// (Stein's identity) and the published values.
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/minima.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "depth/naive_chi.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/line_fit.hpp"

using namespace qmf;

namespace {
constexpr double pi = 3.14159265358979323846;

// The paper's N set: 3..63, 125, 128, 255, 256, 512, 515, 1024, 1025 (69 values).
std::vector<int> paper_levels() {
  std::vector<int> n;
  for (int k = 3; k <= 63; ++k) n.push_back(k);
  for (int k : {125, 128, 255, 256, 512, 515, 1024, 1025}) n.push_back(k);
  return n;
}
}  // namespace

TEST_CASE("chi(D~) agrees with the generic step-activation correlation map") {
  // quant:N at q = (D / D~)^2, sw2 = q / E[phi^2], slope of the c-map at c* = 0
  // (Owen's-T orthant probabilities): a route that shares nothing but normal_pdf.
  // Both are ratios of O(1) sums accurate to a few ulps: 1e-12 leaves margin.
  for (int n : {2, 3, 4, 7, 16}) {
    const auto phi = make_uniform_quantizer(n);
    const double spacing = 2.0 / (n - 1);
    for (double dtilde : {0.2, 0.7, 1.3}) {
      const double q = (spacing / dtilde) * (spacing / dtilde);
      const Initialization init{q / phi->second_moment(q), 0.0};
      INFO("N = " << n << ", D~ = " << dtilde);
      CHECK(uniform_quantizer_chi(n, dtilde).chi ==
            Approx(correlation_map_slope(*phi, init, q, 0.0)).epsilon(1e-12));
    }
  }
}

TEST_CASE("O(N) prefix sums agree with the O(N^2) double sum") {
  // The double sum cancels Var(count) out of O(N^2) terms of size O(1): its
  // own error is ~N^2 eps relative to V ~ N^2 / 25, so 1e-12 is safe up to N = 300.
  for (int n : {2, 3, 10, 33, 100, 300}) {
    for (double dtilde : {0.01, 0.1, 0.5}) {
      INFO("N = " << n << ", D~ = " << dtilde);
      CHECK(uniform_quantizer_chi(n, dtilde).chi ==
            Approx(testing::naive_uniform_chi(n, dtilde)).epsilon(1e-12));
    }
  }
}

TEST_CASE("the analytic derivative of chi matches central differences") {
  // Step h = 1e-5 D~: truncation ~h^2 chi''' and rounding ~eps / h leave ~1e-9
  // of chi; compared on the scale of the largest of chi' and chi''-driven terms.
  for (int n : {3, 8, 64, 1000}) {
    for (double dtilde : {0.005, 0.05, 0.4, 1.5}) {
      const double h = 1e-5 * dtilde;
      const double fd =
          (uniform_quantizer_chi(n, dtilde + h).chi - uniform_quantizer_chi(n, dtilde - h).chi) /
          (2 * h);
      INFO("N = " << n << ", D~ = " << dtilde);
      CHECK(uniform_quantizer_chi(n, dtilde).slope ==
            Approx(fd).margin(1e-8 / dtilde).epsilon(1e-6));
    }
  }
}

TEST_CASE("D~_opt from the derivative's root agrees with a bracketing maximiser") {
  // Brent on chi itself locates a flat maximum only to ~sqrt(eps) relative;
  // the root of the derivative is sharper, so compare to 1e-6 and check
  // that the root's chi is not beaten by Brent's.
  for (int n : {3, 4, 5, 9, 16, 100, 1025}) {
    const auto optimum = uniform_quantizer_optimum(n);
    boost::uintmax_t iterations = 200;
    const auto brent = boost::math::tools::brent_find_minima(
        [n](double d) { return -uniform_quantizer_chi(n, d).chi; }, 0.3 * optimum.dtilde_opt,
        3.0 * optimum.dtilde_opt, 40, iterations);
    INFO("N = " << n);
    CHECK(brent.first == Approx(optimum.dtilde_opt).epsilon(1e-6));
    CHECK(uniform_quantizer_chi(n, optimum.dtilde_opt).chi >= -brent.second - 1e-15);
    CHECK(std::fabs(uniform_quantizer_chi(n, optimum.dtilde_opt).slope) <= 1e-10);
  }
}

TEST_CASE("Stein: 1 - chi(D~) is the least MSE of the best-gain uniform quantizer") {
  // Independent route: adaptive Gauss-Kronrod of (z - g j(z))^2 pdf(z) cell by
  // cell, minimised over the gain g by Brent (no S / V anywhere). The MSE is
  // stationary in g, so Brent's ~1e-8 error in g costs ~1e-16; the quadrature
  // is good to ~1e-14; the direct ratio 1 - S^2/V to ~1e-15 absolute.
  for (int n : {2, 3, 5, 8, 16, 40}) {
    for (double dtilde : {0.1, 0.45, 1.1}) {
      const double centre = 0.5 * (n - 1);
      auto mse = [&](double gain) {
        double sum = 0.0;
        for (int m = 0; m < n; ++m) {
          const double lo = m == 0 ? -40.0 : dtilde * (m - 0.5 * n);
          const double hi = m == n - 1 ? 40.0 : dtilde * (m + 1 - 0.5 * n);
          const double level = gain * (m - centre);
          sum += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
              [&](double z) { return (z - level) * (z - level) * normal_pdf(z); }, lo, hi, 15,
              1e-14);
        }
        return sum;
      };
      boost::uintmax_t iterations = 200;
      const double least =
          boost::math::tools::brent_find_minima(mse, 0.0, 4.0, 50, iterations).second;
      INFO("N = " << n << ", D~ = " << dtilde);
      CHECK(uniform_quantizer_one_minus_chi(n, dtilde) == Approx(least).epsilon(1e-12));
      CHECK(1.0 - uniform_quantizer_chi(n, dtilde).chi == Approx(least).epsilon(1e-12));
    }
  }
}

TEST_CASE("1 - chi_max by the MSE route matches the direct ratio for every N up to 1100") {
  // The direct ratio is accurate to ~1e-15 absolute (rounding of chi ~ 1), which
  // is the whole tolerance; 1 - chi_max must also fall with N, which the
  // --depth bisection relies on.
  double previous = 1.0;
  for (int n = 2; n <= 1100; ++n) {
    const auto optimum = uniform_quantizer_optimum(n);
    const double dtilde = n == 2 ? 1.0 : optimum.dtilde_opt;
    INFO("N = " << n);
    CHECK(std::fabs(optimum.one_minus_chi_max - (1.0 - uniform_quantizer_chi(n, dtilde).chi)) <=
          4e-15);
    CHECK(optimum.one_minus_chi_max < previous);
    CHECK(optimum.xi_max == Approx(-1.0 / std::log(optimum.chi_max)).epsilon(1e-9));
    previous = optimum.one_minus_chi_max;
  }
}

TEST_CASE("published values: sign, and the paper's grid-scan table to its 6 digits") {
  CHECK(uniform_quantizer_optimum(2).one_minus_chi_max == Approx(1.0 - 2.0 / pi).epsilon(1e-15));
  // Blumenfeld et al. tabulate 1 - chi_max rounded to 6 decimals.
  for (const auto& [n, published] : {std::pair{3, 0.190174}, std::pair{4, 0.118846},
                                     std::pair{16, 0.011543}, std::pair{128, 0.000304}}) {
    INFO("N = " << n);
    CHECK(uniform_quantizer_optimum(n).one_minus_chi_max ==
          Approx(published).epsilon(0).margin(5e-7));
  }
}

TEST_CASE("the critical sigma_w agrees with the generic chi_c maximiser") {
  // maximise_correlation_depth scans q*, runs Brent on chi_c(q*) and, c* being
  // 0, refines the maximiser by the root of the analytic d ln chi_c / d ln q*:
  // an independent route to the same optimum as the D~ root of the uniform
  // family. Both roots are found to rounding; 1e-12 allows for the
  // conditioning of sw2 in q*.
  for (const auto& [n, amplitude, spacing] :
       {std::tuple{8, 2.0, 0.3}, std::tuple{16, 1.0, 2.0 / 15}, std::tuple{6, 1.5, 0.5}}) {
    const auto optimum = uniform_quantizer_optimum(n);
    const auto phi = make_uniform_quantizer(n, amplitude, spacing);
    const auto generic = maximise_correlation_depth(*phi, 0.0);
    INFO("N = " << n);
    CHECK(generic.chi_max == Approx(optimum.chi_max).epsilon(1e-12));
    CHECK(uniform_quantizer_critical_sw2(optimum, amplitude, spacing) ==
          Approx(generic.sw2).epsilon(1e-12));
    const double q = spacing * spacing / (optimum.dtilde_opt * optimum.dtilde_opt);
    CHECK(uniform_quantizer_critical_sw2(optimum, amplitude, spacing) ==
          Approx(q / phi->second_moment(q)).epsilon(1e-13));
  }
}

TEST_CASE("at the critical sigma_w the generic maps reach chi_max at a stable q*") {
  // quant:5,A=0.5,D=1: chi_c(c* = 0) through the generic correlation map at
  // q* = (D / D~_opt)^2 equals chi_max, beats q* (1 +- 1e-3), and the length
  // map is stable there.
  const int n = 5;
  const auto optimum = uniform_quantizer_optimum(n);
  const auto phi = make_uniform_quantizer(n, 0.5, 1.0);
  const double sw2 = uniform_quantizer_critical_sw2(optimum, 0.5, 1.0);
  const double q = 1.0 / (optimum.dtilde_opt * optimum.dtilde_opt);
  const Initialization init{sw2, 0.0};
  CHECK(length_map(*phi, init, q) == Approx(q).epsilon(1e-13));
  CHECK(std::fabs(length_map_slope(*phi, init, q)) < 1.0);
  CHECK(correlation_map_slope(*phi, init, q, 0.0) == Approx(optimum.chi_max).epsilon(1e-12));
  for (double shift : {1 - 1e-3, 1 + 1e-3}) {
    const double q_shifted = q * shift;
    const Initialization shifted{q_shifted / phi->second_moment(q_shifted), 0.0};
    CHECK(correlation_map_slope(*phi, shifted, q_shifted, 0.0) < optimum.chi_max);
  }
}

TEST_CASE("reproduction of the paper's fit over its 69 values of N") {
  // Published: ln(1 - chi_max) = -1.8172 ln(N+1) + 0.7100 (slope standard error
  // 0.0030), ln D~_opt = -0.879 ln(N+1) + 1.4025, from a 1e-3 grid scan in
  // single precision. The exact slope must land within one standard error;
  // the intercepts within their own standard errors (~0.012 and ~0.004).
  std::vector<double> x, y, y_spacing;
  for (int n : paper_levels()) {
    const auto optimum = uniform_quantizer_optimum(n);
    x.push_back(std::log(n + 1.0));
    y.push_back(std::log(optimum.one_minus_chi_max));
    y_spacing.push_back(std::log(optimum.dtilde_opt));
  }
  REQUIRE(x.size() == 69);
  const auto fit = fit_line(x, y);
  CHECK(fit.slope == Approx(-1.8172).epsilon(0).margin(0.0030));
  CHECK(fit.slope_stderr == Approx(0.0030).epsilon(0).margin(0.0002));
  CHECK(fit.intercept == Approx(0.7100).epsilon(0).margin(0.012));
  CHECK(fit.r2 > 0.9997);
  const auto spacing_fit = fit_line(x, y_spacing);
  CHECK(spacing_fit.slope == Approx(-0.879).epsilon(0).margin(0.006));
  CHECK(spacing_fit.intercept == Approx(1.4025).epsilon(0).margin(0.02));
}

TEST_CASE("line fit: exact data and a hand-computed case") {
  const std::vector<double> x{0, 1, 2, 3};
  const std::vector<double> line{1, 3, 5, 7};
  const auto exact = fit_line(x, line);
  CHECK(exact.slope == Approx(2.0).epsilon(1e-15));
  CHECK(exact.intercept == Approx(1.0).epsilon(1e-15));
  CHECK(exact.slope_stderr == Approx(0.0).epsilon(0).margin(1e-15));
  // y = 0, 1, 1, 3: slope 0.9, intercept -0.1, SSR 0.7, stderr sqrt(0.35/5).
  const auto noisy = fit_line(x, std::vector<double>{0, 1, 1, 3});
  CHECK(noisy.slope == Approx(0.9).epsilon(1e-14));
  CHECK(noisy.intercept == Approx(-0.1).epsilon(1e-13));
  CHECK(noisy.slope_stderr == Approx(std::sqrt(0.35 / 5.0)).epsilon(1e-14));
  CHECK(noisy.r2 == Approx(1.0 - 0.7 / 4.75).epsilon(1e-14));
  CHECK_THROWS_AS(fit_line(std::vector<double>{1, 2}, std::vector<double>{1, 2}),
                  std::invalid_argument);
}

TEST_CASE("local exponents approach -2 from above, slowly for the uniform family") {
  // High-resolution theory: uniform ~ -2 + 1/ln N (Hui-Neuhoff), Lloyd-Max -> -2.
  const double uniform_1000 = local_exponent(QuantizerFamily::uniform, 1000);
  CHECK(uniform_1000 > -2.0);
  CHECK(uniform_1000 < -1.8);
  CHECK(local_exponent(QuantizerFamily::uniform, 100) > uniform_1000);
  CHECK(local_exponent(QuantizerFamily::lloyd_max, 1000) == Approx(-2.0).epsilon(0).margin(0.02));
}

TEST_CASE("bad levels and spacings are named with their values") {
  CHECK_THROWS_WITH(uniform_quantizer_chi(4, -1.0),
                    "dtilde (the spacing over sqrt(q)) must be a positive finite number (got -1)");
  CHECK_THROWS_AS(uniform_quantizer_one_minus_chi(4, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(uniform_quantizer_chi(4, std::nan("")), std::invalid_argument);
  CHECK_THROWS_WITH(uniform_quantizer_optimum(1), "N (the number of levels) must be >= 2 (got 1)");
  CHECK_THROWS_WITH(lloyd_max_quantizer(1), "N must be >= 2 for lloyd:N (got 1)");
  CHECK_THROWS_WITH(make_uniform_quantizer(4, -2.0),
                    "A (quantizer amplitude) must be a positive finite number (got -2)");
  CHECK_THROWS_WITH(make_uniform_quantizer(1), "N must be >= 2 for quant:N (got 1)");
}
