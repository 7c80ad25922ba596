// The mean-field maps (theory.md section 1): length, covariance and
// correlation maps, the complement 1 - c', the slopes chi_q, chi_c and chi_1,
// the layer iteration and depth scales, each checked against closed forms,
// finite differences or an exact identity.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/maps.hpp"
#include "support/mean_field_test_support.hpp"

using namespace qmf;
using qmf::testing::pi;

namespace {
// A generic initialisation and one with sigma_b = 0.
const std::vector<Initialization> inits = {{1.7, 0.2}, {2.5, 0.0}};
}  // namespace

TEST_CASE("validate accepts sw2 > 0, sb2 >= 0 and rejects everything else") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_NOTHROW(validate({1.0, 0.0}));
  CHECK_NOTHROW(validate({1e-300, 1e300}));
  for (const Initialization bad : std::vector<Initialization>{{0.0, 0.1},
                                                              {-1.0, 0.1},
                                                              {inf, 0.1},
                                                              {nan, 0.1},
                                                              {1.0, -1e-300},
                                                              {1.0, inf},
                                                              {1.0, nan}}) {
    INFO("sw2 = " << bad.sw2 << ", sb2 = " << bad.sb2);
    CHECK_THROWS_AS(validate(bad), std::invalid_argument);
  }
}

TEST_CASE("length and covariance maps in closed form") {
  // q' = sw2 E[phi^2] + sb2 and q12' = sw2 E[phi phi] + sb2 with the textbook
  // kernels (arcsine for sign and erf, arc-cosine for relu). A few ulp on each
  // side: relative tolerance 1e-13.
  struct Closed {
    std::string spec;
    std::function<double(double)> second;
    std::function<double(double, double)> cross;
  };
  const std::vector<Closed> table = {
      {"linear", [](double q) { return q; }, [](double q, double c) { return q * c; }},
      {"sign", [](double) { return 1.0; },
       [](double, double c) { return 2.0 / pi * std::asin(c); }},
      {"erf", [](double q) { return 2.0 / pi * std::asin(2.0 * q / (1.0 + 2.0 * q)); },
       [](double q, double c) { return 2.0 / pi * std::asin(2.0 * q * c / (1.0 + 2.0 * q)); }},
      {"relu", [](double q) { return q / 2.0; },
       [](double q, double c) {
         return q / (2.0 * pi) * (std::sqrt(1.0 - c * c) + (pi - std::acos(c)) * c);
       }},
  };
  for (const auto& [spec, second, cross] : table) {
    const auto phi = make_activation(spec);
    for (const auto& init : inits)
      for (double q : {0.2, 1.0, 6.0}) {
        INFO(spec << ", sw2 = " << init.sw2 << ", sb2 = " << init.sb2 << ", q = " << q);
        const double length = init.sw2 * second(q) + init.sb2;
        CHECK(length_map(*phi, init, q) == Approx(length).epsilon(1e-13));
        for (double c : {-0.6, 0.0, 0.5, 0.95}) {
          INFO("c = " << c);
          const double covariance = init.sw2 * cross(q, c) + init.sb2;
          CHECK(covariance_map(*phi, init, q, c) ==
                testing::approx_abs(covariance, 1e-13 * length));
          CHECK(correlation_map(*phi, init, q, c) ==
                testing::approx_abs(covariance / length, 1e-13));
        }
      }
  }
}

TEST_CASE("c = 1 is a fixed point of the correlation map and |c'| <= 1") {
  // At c = 1 the two inputs coincide: q12' = q'. Cauchy-Schwarz bounds c'.
  // Tolerance 1e-13: both sides are O(1) and accurate to a few ulp.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto& init : inits)
      for (double q : {0.4, 3.0}) {
        INFO(spec << ", sb2 = " << init.sb2 << ", q = " << q);
        CHECK(covariance_map(*phi, init, q, 1.0) ==
              Approx(length_map(*phi, init, q)).epsilon(1e-13));
        CHECK(correlation_map(*phi, init, q, 1.0) == Approx(1.0).epsilon(1e-13));
        CHECK(correlation_map_complement(*phi, init, q, 1.0) == testing::approx_abs(0.0, 1e-13));
        // |c'| <= 1 up to rounding (c' = -1 exactly for odd phi at c = -1, sb2 = 0).
        for (double c : {-1.0, -0.5, 0.5})
          CHECK(std::fabs(correlation_map(*phi, init, q, c)) <= 1.0 + 1e-14);
      }
  }
}

TEST_CASE("the layer iteration keeps an antipodal pair of an odd phi at c = -1") {
  // At sw2 = 4, sb2 = 0 both c = 1 and c = -1 are fixed points that repel;
  // 1 - (1 - c') left c = -1 off by ~1e-16, which grew to c = -8.7e-6 for tanh
  // at layer 200. By reflection c stays -1 exactly; with sb2 > 0 the
  // reflected map c'(c) = 2 sb2 / q' - c'(-c) equals the map itself.
  for (const char* spec : {"tanh", "quant:16", "erf"}) {
    const auto phi = qmf::make_activation(spec);
    INFO(spec);
    CHECK(qmf::iterate_maps(*phi, {4.0, 0.0}, 1.0, -1.0, 200).back().c == -1.0);
    CHECK(qmf::iterate_maps(*phi, {4.0, 0.0}, 1.0, 1.0, 200).back().c == 1.0);
    const auto biased = qmf::iterate_maps(*phi, {4.0, 0.1}, 1.0, -0.9, 1).back();
    const double direct =
        (4.0 * phi->cross_moment(1.0, -0.9) + 0.1) / (4.0 * phi->second_moment(1.0) + 0.1);
    CHECK(biased.c == Approx(direct).epsilon(1e-14));
  }
}

TEST_CASE("correlation_map_complement equals 1 - correlation_map away from c = 1") {
  // For c <= 0.7, 1 - c' >= ~0.1 (except for a near-constant phi, not tested),
  // so 1 - c' computed directly loses at most one digit: tolerance 1e-13.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto& init : inits)
      for (double q : {0.6, 2.5})
        for (double c : {-0.8, -0.2, 0.3, 0.7}) {
          INFO(spec << ", sb2 = " << init.sb2 << ", q = " << q << ", c = " << c);
          CHECK(correlation_map_complement(*phi, init, q, c) ==
                testing::approx_abs(1.0 - correlation_map(*phi, init, q, c), 1e-13));
        }
  }
}

TEST_CASE("correlation_map_complement keeps its relative accuracy as c -> 1") {
  // 1 - c' = sw2 (E[phi^2] - E[phi phi]) / q' with cancellation-free references:
  // sign: (2/pi) acos(c) = (4/pi) asin(sqrt(delta/2)); linear: q delta;
  // relu: q delta/2 - q (2 delta)^(3/2) / (6 pi) + O(delta^(5/2)). At
  // delta = 1e-12 the relu series is exact to 1e-12 relative; tolerance 1e-9
  // relative (1 - c' computed as 1 - c' from c' would be wrong by 100%).
  const Initialization init{1.7, 0.2};
  const double q = 1.3;
  const double c = 1.0 - 1e-12;
  const double delta = 1.0 - c;  // exact (Sterbenz)
  struct Reference {
    std::string spec;
    double deficit;
  };
  for (const auto& [spec, deficit] : std::vector<Reference>{
           {"sign", 4.0 / pi * std::asin(std::sqrt(delta / 2.0))},
           {"linear", q * delta},
           {"relu", q * delta / 2.0 - q * std::pow(2.0 * delta, 1.5) / (6.0 * pi)}}) {
    const auto phi = make_activation(spec);
    INFO(spec);
    CHECK(correlation_map_complement(*phi, init, q, c) ==
          Approx(init.sw2 * deficit / length_map(*phi, init, q)).epsilon(1e-9));
  }
}

TEST_CASE("step activations: 1 - c' has a square-root cusp at c = 1") {
  // 1 - c' = A sqrt(1 - c) (1 + O(1 - c)) (theory.md section 2): shrinking
  // 1 - c by 100 shrinks 1 - c' by 10, to within O(1e-6) here. Tolerance 1e-4
  // relative; a linear map (smooth phi) would give 100 and fail.
  const Initialization init{1.5, 0.1};
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    if (!phi->is_step()) continue;
    INFO(spec);
    const double q = 0.8;
    const double ratio = correlation_map_complement(*phi, init, q, 1.0 - 1e-6) /
                         correlation_map_complement(*phi, init, q, 1.0 - 1e-8);
    CHECK(ratio == Approx(10.0).epsilon(1e-4));
    // and the slope diverges like (1 - c)^(-1/2)
    const double slope_ratio = correlation_map_slope(*phi, init, q, 1.0 - 1e-8) /
                               correlation_map_slope(*phi, init, q, 1.0 - 1e-6);
    CHECK(slope_ratio == Approx(10.0).epsilon(1e-4));
  }
}

TEST_CASE("length_map_slope (chi_q) matches central differences of length_map") {
  // Step h = 1e-4 q. E[phi(sqrt(q) z)^2] varies on the scale q: |q'''| <=
  // C sw2 E[phi^2] / q^3, C = O(10): truncation <= 1.7e-9 C sw2 E[phi^2] / q;
  // rounding <= 1e-14 q' / h. Tolerance 1e-7 q' / q.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto& init : inits)
      for (double q : {0.3, 1.0, 4.0}) {
        INFO(spec << ", sb2 = " << init.sb2 << ", q = " << q);
        const double fd = testing::central_difference(
            [&](double x) { return length_map(*phi, init, x); }, q, 1e-4 * q);
        CHECK(length_map_slope(*phi, init, q) ==
              testing::approx_abs(fd, 1e-7 * length_map(*phi, init, q) / q));
      }
  }
}

TEST_CASE("correlation_map_slope (chi_c) matches central differences of correlation_map") {
  // c' = (sw2 E[phi phi] + sb2) / q' with q' fixed, so its c-derivatives are
  // those of E[phi phi] times sw2 / q' <= 1 / E[phi^2]. With h = 1e-5 the
  // truncation is <= h^2/6 * 20 = 3.4e-10 and the rounding <= 1e-14 / h = 1e-9
  // (see the cross_moment_slope test in test_activation.cpp): tolerance 1e-8.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto& init : inits)
      for (const auto [q, c] : testing::kernel_points) {
        INFO(spec << ", sb2 = " << init.sb2 << ", q = " << q << ", c = " << c);
        const double fd = testing::central_difference(
            [&](double x) { return correlation_map(*phi, init, q, x); }, c, 1e-5);
        CHECK(correlation_map_slope(*phi, init, q, c) == testing::approx_abs(fd, 1e-8));
      }
  }
}

TEST_CASE("chi_1: infinite for step activations, sw2 E[phi'^2] for smooth ones") {
  // Closed forms: erf 4 sw2 / (pi sqrt(1 + 4q)), relu sw2 / 2, linear sw2,
  // hardtanh sw2 P(|u| < 1) = sw2 erf(1 / sqrt(2q)). For every smooth phi,
  // chi_1 is also the c -> 1 end of the correlation slope (Price's theorem:
  // d/dc E[phi phi] at c = 1 is q E[phi'^2]), times q / q'. Relative 1e-12.
  const Initialization init{1.7, 0.2};
  const double q = 0.9;
  struct Closed {
    std::string spec;
    double chi_1;
  };
  for (const auto& [spec, expected] :
       std::vector<Closed>{{"erf", init.sw2 * 4.0 / (pi * std::sqrt(1.0 + 4.0 * q))},
                           {"relu", init.sw2 / 2.0},
                           {"linear", init.sw2},
                           {"hardtanh", init.sw2 * std::erf(1.0 / std::sqrt(2.0 * q))}}) {
    INFO(spec);
    CHECK(chi_1(*make_activation(spec), init, q) == Approx(expected).epsilon(1e-12));
  }
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    INFO(spec);
    if (phi->is_step()) {
      CHECK(std::isinf(chi_1(*phi, init, q)));
      CHECK(std::isinf(correlation_map_slope(*phi, init, q, 1.0)));
    } else {
      CHECK(correlation_map_slope(*phi, init, q, 1.0) * length_map(*phi, init, q) / q ==
            Approx(chi_1(*phi, init, q)).epsilon(1e-12));
    }
  }
}

TEST_CASE("iterate_maps follows the maps layer by layer") {
  // Each layer is (q', c') of the previous one. c' is taken from the
  // complement, so it agrees with correlation_map to ~1e-15: tolerance 1e-13.
  for (const auto& spec : {"quant:4", "steps:t=-1;0.5,y=1.5;-2;0.25", "erf", "relu"}) {
    const auto phi = make_activation(spec);
    const Initialization init{1.4, 0.1};
    const auto layers = iterate_maps(*phi, init, 2.0, 0.3, 6);
    REQUIRE(layers.size() == 7);
    CHECK(layers[0].layer == 0);
    CHECK(layers[0].q == 2.0);
    CHECK(layers[0].c == 0.3);
    for (std::size_t l = 1; l < layers.size(); ++l) {
      INFO(spec << ", layer " << l);
      const auto& prev = layers[l - 1];
      CHECK(layers[l].layer == static_cast<int>(l));
      CHECK(layers[l].q == Approx(length_map(*phi, init, prev.q)).epsilon(1e-15));
      CHECK(layers[l].c == testing::approx_abs(correlation_map(*phi, init, prev.q, prev.c), 1e-13));
    }
  }
}

TEST_CASE("iterate_maps: c^l decays to 0 geometrically, without a rounding floor") {
  // Chaotic phase of an odd phi at sb2 = 0: c* = 0 and c^l ~ chi_c^l. Taken
  // from the complement, c^l froze near 1e-14 (tanh) or fell to exactly 0
  // (erf); from the covariance the ratio of successive layers stays chi_c to
  // rounding however small c^l gets (erf: 4e-29 at layer 800). Steps from
  // Plackett's integral near c = 0: from Owen's T sum, quant:16's c^l froze
  // near 2.5e-13.
  for (const auto& [spec, sw2, depth] :
       {std::tuple{"erf", 2.0, 800}, std::tuple{"tanh", 1.5, 1800},
        std::tuple{"quant:16", 0.65, 120}, std::tuple{"sign", 1.0, 80}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const Initialization init{sw2, 0.0};
    const auto layers = iterate_maps(*phi, init, 1.0, 0.5, depth);
    const double chi_c = mean_field_fixed_point(*phi, init, 1.0).correlation.chi_c;
    CHECK(layers.back().c < 1e-15);
    CHECK(layers.back().c > 0.0);
    CHECK(layers.back().c / layers[depth - 1].c == Approx(chi_c).epsilon(1e-10));
  }
}

TEST_CASE("iterate_maps for sign with sb2 = 0: q = sw2 and c -> (2/pi) asin(c)") {
  // The arcsine chain written out; 12 layers of a contraction: errors stay at
  // a few ulp (1e-13). Starting at 1 - c0 = 1e-12 the first step must give
  // 1 - c1 = (2/pi) acos(c0) to 1e-9 relative (c1 is rounded to 1.1e-16
  // absolute, 1.2e-10 of 1 - c1).
  const auto sign = make_activation("sign");
  const Initialization init{2.3, 0.0};
  const auto layers = iterate_maps(*sign, init, 0.7, 0.9, 12);
  double c = 0.9;
  for (std::size_t l = 1; l < layers.size(); ++l) {
    c = 2.0 / pi * std::asin(c);
    INFO("layer " << l);
    CHECK(layers[l].q == Approx(init.sw2).epsilon(1e-15));
    CHECK(layers[l].c == testing::approx_abs(c, 1e-13));
  }
  const double c0 = 1.0 - 1e-12;
  const auto near_one = iterate_maps(*sign, init, 0.7, c0, 1);
  CHECK(1.0 - near_one[1].c ==
        Approx(4.0 / pi * std::asin(std::sqrt((1.0 - c0) / 2.0))).epsilon(1e-9));
}

TEST_CASE("iterate_maps: depth 0 and invalid arguments") {
  const auto phi = make_activation("erf");
  const Initialization init{1.5, 0.1};
  CHECK(iterate_maps(*phi, init, 1.0, 0.5, 0).size() == 1);
  CHECK_THROWS_AS(iterate_maps(*phi, init, 1.0, 0.5, -1), std::invalid_argument);
  CHECK_THROWS_AS(iterate_maps(*phi, init, 1.0, 0.5, -5), std::invalid_argument);
  CHECK_THROWS_AS(iterate_maps(*phi, init, 0.0, 0.5, 3), std::invalid_argument);
  CHECK_THROWS_AS(iterate_maps(*phi, init, 1.0, 1.5, 3), std::invalid_argument);
  CHECK_THROWS_AS(iterate_maps(*phi, init, 1.0, std::nan(""), 3), std::invalid_argument);
  CHECK_THROWS_AS(iterate_maps(*phi, {-1.0, 0.1}, 1.0, 0.5, 3), std::invalid_argument);
  CHECK_THROWS_WITH(iterate_maps(*phi, init, 1.0, 0.5, -3),
                    "depth must be a non-negative integer (got -3)");
}

TEST_CASE("the maps one at a time name a bad argument and its value") {
  // They returned NaN or a number for a negative q, a c outside [-1, 1] or
  // an invalid init; layer_map stays the unchecked route of the solvers.
  using Catch::Matchers::StartsWith;
  const auto phi = make_activation("quant:16");
  const Initialization init{1.5, 0.1};
  const double nan = std::nan("");
  CHECK_THROWS_WITH(length_map(*phi, init, -1.0), "q must be a non-negative number (got -1)");
  CHECK_THROWS_WITH(length_map(*phi, init, nan), StartsWith("q must be"));
  CHECK_THROWS_WITH(length_map(*phi, {nan, 0.0}, 1.0), StartsWith("sw2 must be"));
  CHECK_THROWS_WITH(chi_1(*phi, {1.0, -0.5}, 1.0), StartsWith("sb2 must be"));
  CHECK_THROWS_WITH(correlation_map(*phi, init, -1.0, 0.5), "q must be a positive number (got -1)");
  CHECK_THROWS_WITH(correlation_map(*phi, init, 1.0, 1.5), "c must be in [-1, 1] (got 1.5)");
  CHECK_THROWS_WITH(covariance_map(*phi, init, 1.0, nan), StartsWith("c must be"));
  CHECK_THROWS_WITH(correlation_map_complement(*phi, init, 0.0, 0.5), StartsWith("q must be"));
  CHECK_THROWS_WITH(correlation_map_slope(*phi, init, 1.0, -2.0), StartsWith("c must be"));
  CHECK_THROWS_WITH(stable_correlation_fixed_point(*phi, init, -1.0),
                    "q_star must be a non-negative number (got -1)");
  // Valid edges pass, and layer_map agrees with the checked maps.
  CHECK(length_map(*phi, init, 0.0) == layer_map(*phi, init).length(0.0));
  CHECK(correlation_map_complement(*phi, init, 1.0, 1.0) ==
        layer_map(*phi, init).correlation_complement(1.0, 1.0));
  CHECK(std::isfinite(correlation_map(*phi, init, 1.0, -1.0)));
}

TEST_CASE("depth_scale is -1 / ln|chi|") {
  // Exact cases (1 ulp), and the sign anchor xi = -1/ln(2/pi) = 2.2144 to the
  // printed digits (Blumenfeld et al. 2019; Schoenholz et al. 2017).
  CHECK(depth_scale(std::exp(-1.0)) == Approx(1.0).epsilon(1e-15));
  CHECK(depth_scale(std::exp(-0.01)) == Approx(100.0).epsilon(1e-13));
  CHECK(depth_scale(-std::exp(-0.5)) == Approx(2.0).epsilon(1e-15));
  CHECK(depth_scale(2.0 / pi) == testing::approx_abs(2.2144, 5e-5));
  CHECK(std::isinf(depth_scale(1.0)));
  CHECK(std::isinf(depth_scale(-1.0)));
  CHECK(depth_scale(0.0) == 0.0);
}
