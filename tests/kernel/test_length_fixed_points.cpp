// Fixed points of the length map (theory.md section 1): residuals, stability
// against the direction of the flow, closed forms, a quantizer with several
// positive fixed points, collapse and divergence.
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/maps.hpp"
#include "support/mean_field_test_support.hpp"

using namespace qmf;
using qmf::testing::pi;

namespace {

struct Case {
  std::string spec;
  Initialization init;
};

// Activations and initialisations with a stable positive q* reached from q0 = 1.
const std::vector<Case> length_cases = {{"sign", {1.5, 0.1}},
                                        {"quant:4", {2.0, 0.05}},
                                        {"quant:16", {2.5, 0.05}},
                                        {"lloyd:8,S=0.5", {1.2, 0.2}},
                                        {"steps:t=-1;0.5,y=1.5;-2;0.25", {1.0, 0.0}},
                                        {"tanh", {1.2, 0.05}},
                                        {"tanh", {2.5, 0.0}},
                                        {"erf", {3.0, 0.05}},
                                        {"relu", {1.0, 0.3}},
                                        {"hardtanh", {1.5, 0.1}},
                                        {"linear", {0.5, 0.2}}};

double gap(const Activation& phi, const Initialization& init, double q) {
  return length_map(phi, init, q) - q;
}

// The length fixed point reached by iterating the map itself, from q0.
double iterate_length_map(const Activation& phi, const Initialization& init, double q0,
                          int layers) {
  double q = q0;
  for (int l = 0; l < layers; ++l) q = length_map(phi, init, q);
  return q;
}

}  // namespace

TEST_CASE("every q* from length_fixed_points is a fixed point with its slope") {
  // TOMS 748 to 52 bits brackets q* within ~4e-16 q*: the residual
  // |q'(q*) - q*| <= |1 - chi_q| 4e-16 q* + rounding of q'. Tolerance 1e-12 q*.
  for (const auto& [spec, init] : length_cases) {
    const auto phi = make_activation(spec);
    const auto points = length_fixed_points(*phi, init);
    INFO(spec << ", sw2 = " << init.sw2 << ", sb2 = " << init.sb2);
    REQUIRE(!points.empty());
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto& p = points[i];
      INFO("q* = " << p.q);
      CHECK(p.q > 0.0);
      if (i > 0) CHECK(p.q > points[i - 1].q);
      CHECK(std::fabs(gap(*phi, init, p.q)) <= 1e-12 * p.q);
      CHECK(p.chi_q == Approx(length_map_slope(*phi, init, p.q)).epsilon(1e-14));
      CHECK(p.stable == (std::fabs(p.chi_q) < 1.0));
    }
  }
}

TEST_CASE("the stability flag agrees with the direction of the flow") {
  // Independent of the slope formula: near a fixed point the gap q' - q is
  // (chi_q - 1)(q - q*), so a stable point (|chi_q| < 1; chi_q >= -1/2 always
  // for the length map) has q' > q just below and q' < q just above. At
  // q*(1 -+ 1e-4) the gap is >= |1 - chi_q| 1e-4 q*, far above rounding.
  for (const auto& [spec, init] : length_cases) {
    const auto phi = make_activation(spec);
    for (const auto& p : length_fixed_points(*phi, init)) {
      INFO(spec << ", sb2 = " << init.sb2 << ", q* = " << p.q << ", chi_q = " << p.chi_q);
      const bool attracting =
          gap(*phi, init, p.q * (1.0 - 1e-4)) > 0.0 && gap(*phi, init, p.q * (1.0 + 1e-4)) < 0.0;
      CHECK(attracting == p.stable);
    }
  }
}

TEST_CASE("the stable q* is where iterating the length map goes") {
  // 300 iterations from q0 = 1 contract the distance by |chi_q|^300 (< 1e-70:
  // |chi_q| <= 0.58 here); tolerance 1e-10 relative, far above rounding.
  for (const auto& [spec, init] : length_cases) {
    const auto phi = make_activation(spec);
    INFO(spec << ", sw2 = " << init.sw2 << ", sb2 = " << init.sb2);
    const auto fixed = stable_length_fixed_point(*phi, init, 1.0);
    CHECK(fixed.stable);
    CHECK(iterate_length_map(*phi, init, 1.0, 300) == Approx(fixed.q).epsilon(1e-10));
  }
}

TEST_CASE("fixed points near 1e160: a quantizer scaled by 2^266 scales them by 2^532") {
  // phi_A(x) = A phi_1(x / A) for quant:N,A (D = 2A/(N-1) scales with A), so
  // with sb2 scaled by A^2 every fixed point is A^2 times quant:16's. A power
  // of two scales every threshold, level and quadrature argument exactly; the
  // roots, to 52 bits of their brackets, agree to 1e-13. The gaps there,
  // ~1e157, overflowed the root finder's products (a NaN q*, reported as a
  // divergence of quant:16,A=1e80).
  const double a = std::ldexp(1.0, 266);
  const auto unit = make_uniform_quantizer(16);
  const auto scaled = make_uniform_quantizer(16, a);
  for (const Initialization& init : {Initialization{2.5, 0.05}, Initialization{1.0, 0.1}}) {
    INFO("sw2 = " << init.sw2 << ", sb2 = " << init.sb2);
    const auto expected = length_fixed_points(*unit, init);
    const auto found = length_fixed_points(*scaled, {init.sw2, init.sb2 * a * a});
    REQUIRE(!expected.empty());
    REQUIRE(found.size() == expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
      CHECK(found[i].q / (a * a) == Approx(expected[i].q).epsilon(1e-13));
      CHECK(found[i].chi_q == Approx(expected[i].chi_q).epsilon(1e-12));
    }
  }
}

TEST_CASE("closed-form length fixed points: relu, linear, sign") {
  // relu: q = sw2 q/2 + sb2; linear: q = sw2 q + sb2; sign: q = sw2 + sb2
  // (chi_q = 0). Unique positive fixed points; 1e-12 relative.
  struct Closed {
    std::string spec;
    Initialization init;
    double q_star;
    double chi_q;
  };
  for (const auto& [spec, init, q_star, chi_q] :
       std::vector<Closed>{{"relu", {1.0, 0.3}, 0.6, 0.5},
                           {"relu", {1.9, 0.01}, 0.2, 0.95},
                           {"linear", {0.5, 0.2}, 0.4, 0.5},
                           {"sign", {1.5, 0.1}, 1.6, 0.0},
                           {"quant:2,A=2", {0.5, 0.0}, 2.0, 0.0}}) {
    INFO(spec << ", sw2 = " << init.sw2 << ", sb2 = " << init.sb2);
    const auto points = length_fixed_points(*make_activation(spec), init);
    REQUIRE(points.size() == 1);
    CHECK(points[0].q == Approx(q_star).epsilon(1e-12));
    CHECK(points[0].chi_q == testing::approx_abs(chi_q, 1e-12));
    CHECK(points[0].stable);
  }
}

TEST_CASE("marginal length maps: relu at sw2 = 2 and linear at sw2 = 1 with sb2 = 0") {
  // q' = q for every q: the iteration stays wherever it starts (chi_q = 1,
  // not stable), and the scan reports the continuum once instead of once per
  // scan node.
  for (const auto& [spec, sw2] : {std::pair{"relu", 2.0}, std::pair{"linear", 1.0}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const Initialization init{sw2, 0.0};
    CHECK(length_fixed_points(*phi, init).size() == 1);
    for (double q0 : {0.3, 1.0, 40.0}) {
      const auto point = stable_length_fixed_point(*phi, init, q0);
      CHECK(point.q == q0);
      CHECK(point.chi_q == 1.0);
      CHECK_FALSE(point.stable);
    }
  }
}

TEST_CASE("a quantizer with three positive fixed points") {
  // quant:3,D=4: levels -1, 0, 1 with thresholds at +-2, so E[phi^2](q) =
  // 2 Psi(-2/sqrt(q)) is a sigmoid in log q: ~0 for q << 4 and -> 1 for
  // q >> 4. With sw2 = 100 and sb2 = 0.1 the map q' = 100 * 2 Psi(-2/sqrt q) + 0.1
  // sits on sb2 at small q (stable fixed point just above 0.1), climbs steeply
  // through the diagonal near q = 0.48 (unstable) and saturates at ~sw2
  // (stable, ~82.7). Brackets from evaluating the map by hand:
  // q' (0.3) = 0.126 < 0.3, q'(1) = 9.2 > 1, q'(100) = 84.2 < 100.
  const auto phi = make_activation("quant:3,D=4");
  const Initialization init{100.0, 0.1};
  const auto points = length_fixed_points(*phi, init);
  REQUIRE(points.size() == 3);
  CHECK(points[0].q > 0.1);
  CHECK(points[0].q < 0.11);
  CHECK(points[1].q > 0.3);
  CHECK(points[1].q < 1.0);
  CHECK(points[2].q > 1.0);
  CHECK(points[2].q < 100.1);
  CHECK(points[0].stable);
  CHECK_FALSE(points[1].stable);
  CHECK(points[1].chi_q > 1.0);
  CHECK(points[2].stable);
  for (const auto& p : points) CHECK(std::fabs(gap(*phi, init, p.q)) <= 1e-12 * p.q);

  // The unstable point separates the basins: q0 on either side picks the
  // stable point on that side, and so does the full mean-field solve.
  CHECK(stable_length_fixed_point(*phi, init, 0.3).q == points[0].q);
  CHECK(stable_length_fixed_point(*phi, init, 0.05).q == points[0].q);
  CHECK(stable_length_fixed_point(*phi, init, 1.0).q == points[2].q);
  CHECK(stable_length_fixed_point(*phi, init, 1e4).q == points[2].q);
  CHECK(mean_field_fixed_point(*phi, init, 0.3).length.q == points[0].q);
  CHECK(mean_field_fixed_point(*phi, init, 1.0).length.q == points[2].q);
  CHECK(mean_field_fixed_point(*phi, init, 1.0).all_length_fixed_points.size() == 3);
  // And the map's own iteration agrees (chi_q ~ 1e-5 and ~0.1: fast).
  CHECK(iterate_length_map(*phi, init, 0.3, 50) == Approx(points[0].q).epsilon(1e-12));
  CHECK(iterate_length_map(*phi, init, 1.0, 50) == Approx(points[2].q).epsilon(1e-12));
}

TEST_CASE("collapse to q = 0 and divergence throw qmf::numerical_error") {
  // Collapse: q' < q for all q > 0 with sb2 = 0 and sw2 below 1 / phi'(0)^2
  // (relu: sw2 < 2, erf: sw2 < pi/4, tanh: sw2 < 1), and quant:3,D=4 with
  // sb2 = 0 started below its unstable fixed point (its lower fixed point is
  // q = 0 itself). Divergence: q' > q for all large q (relu with sw2 > 2,
  // linear with sw2 > 1).
  const std::vector<Case> failing = {{"relu", {1.0, 0.0}}, {"erf", {0.5, 0.0}},
                                     {"tanh", {0.5, 0.0}}, {"quant:3,D=4", {100.0, 0.0}},
                                     {"relu", {3.0, 0.1}}, {"linear", {1.5, 0.2}}};
  for (const auto& [spec, init] : failing) {
    const auto phi = make_activation(spec);
    INFO(spec << ", sw2 = " << init.sw2 << ", sb2 = " << init.sb2);
    CHECK_THROWS_AS(stable_length_fixed_point(*phi, init, 0.3), numerical_error);
    CHECK_THROWS_AS(mean_field_fixed_point(*phi, init, 0.3), numerical_error);
  }
  // quant:3,D=4 at sb2 = 0 keeps its two positive fixed points; only q = 0 is gone.
  const auto quant = make_activation("quant:3,D=4");
  const auto points = length_fixed_points(*quant, {100.0, 0.0});
  REQUIRE(points.size() == 2);
  CHECK_FALSE(points[0].stable);
  CHECK(points[1].stable);
  CHECK(stable_length_fixed_point(*quant, {100.0, 0.0}, 1.0).q == points[1].q);
}

TEST_CASE("bad arguments to the fixed-point solvers throw std::invalid_argument") {
  const auto phi = make_activation("erf");
  CHECK_THROWS_AS(length_fixed_points(*phi, {0.0, 0.1}), std::invalid_argument);
  CHECK_THROWS_AS(length_fixed_points(*phi, {1.0, -0.1}), std::invalid_argument);
  CHECK_THROWS_AS(stable_length_fixed_point(*phi, {2.0, 0.1}, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(stable_length_fixed_point(*phi, {2.0, 0.1}, std::nan("")), std::invalid_argument);
}

TEST_CASE("xi_c at sb2 = 0 keeps its digits near chi_c = 1 (large N)") {
  // At c* = 0, 1 - chi_c = (1 - r) + r m with r = sw2 E[phi^2] / q* and m the
  // linear residual summed by cells: ~1e-16 absolute, so xi_c at lmax's
  // optimum matches the O(N) optimum's xi_max to ~1e-16 / (1 - chi_max):
  // 1e-13 at N = 1024 (seen 1e-14), 2e-6 at N = 65536 (seen 4.2e-8). Taken
  // as 1 - chi_c, the sum over N thresholds, it was 2.8e-5 off at N = 65536.
  for (const int n : {1024, 65536}) {
    const auto optimum = uniform_quantizer_optimum(n);
    const auto phi = make_activation("quant:" + std::to_string(n));
    const auto point = mean_field_fixed_point(*phi, {optimum.sw2_opt, 0.0});
    INFO("N = " << n);
    REQUIRE(point.correlation.c == 0.0);
    CHECK(point.xi_c == Approx(optimum.xi_max).epsilon(n == 1024 ? 1e-13 : 2e-6));
  }
}
