// L_max at sigma_b^2 > 0 (theory.md section 3.5): the fixed quantizer's
// optimum over sigma_w^2, and the supremum over (sigma_w^2, D) that is
// approached along a ray but never attained.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "qmf/activations/step_activation.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/kernel/fixed_points.hpp"

using namespace qmf;

namespace {

// chi_c(c*) of quant:N,D=spacing at (sw2, sb2), by the generic maps from q0 = 1.
MeanFieldFixedPoint generic_fixed_point(int levels, double spacing, double sw2, double sb2) {
  const auto phi = make_uniform_quantizer(levels, 1.0, spacing);
  return mean_field_fixed_point(*phi, {sw2, sb2}, 1.0);
}

}  // namespace

TEST_CASE("at sb2 = 0 the fixed quantizer's optimum is the lmax one", "[biased_depth]") {
  // Two routes: maximise_correlation_depth over q* with the generic maps, and
  // the O(N) root of d chi / d D~ of the uniform family.
  for (int n : {3, 8, 16, 33}) {
    const auto fixed = fixed_quantizer_optimum(n, 0.0);
    const auto unbiased = uniform_quantizer_optimum(n);
    CHECK(fixed.chi_c == Approx(unbiased.chi_max).epsilon(1e-10));
    CHECK(fixed.sw2 == Approx(unbiased.sw2_opt).epsilon(1e-6));  // flat maximum: sqrt(eps)
  }
}

TEST_CASE("the fixed quantizer at sb2 = 0.1: a maximum over sw2 below chi_max(N)",
          "[biased_depth]") {
  const auto fixed = fixed_quantizer_optimum(16, 0.1);
  // The value, found by `qmf critical --act quant:16 --sb2 0.1`.
  CHECK(fixed.chi_c == Approx(0.94581).margin(5e-6));
  CHECK(fixed.chi_c < uniform_quantizer_optimum(16).chi_max);
  CHECK(fixed.xi == Approx(-1.0 / std::log(fixed.chi_c)).epsilon(1e-14));
  // A maximum: the generic maps a little either side give less.
  const auto at = generic_fixed_point(16, 0.0, fixed.sw2, 0.1);
  CHECK(at.correlation.chi_c == Approx(fixed.chi_c).epsilon(1e-9));
  CHECK(at.length.q == Approx(fixed.q_star).epsilon(1e-9));
  for (double factor : {0.97, 1.03})
    CHECK(generic_fixed_point(16, 0.0, fixed.sw2 * factor, 0.1).correlation.chi_c < fixed.chi_c);
}

TEST_CASE("500 trainable layers at sb2 = 0.1 need 131 levels of the fixed quantizer",
          "[biased_depth]") {
  // The numbers (k = 6), confirmed there by bisecting `qmf critical`:
  // N = 130 gives L = 498.8, N = 131 gives 501.5; at sb2 = 0 N = 16 suffices.
  CHECK(6.0 * fixed_quantizer_optimum(130, 0.1).xi == Approx(498.8).margin(0.05));
  CHECK(6.0 * fixed_quantizer_optimum(131, 0.1).xi == Approx(501.5).margin(0.05));
  CHECK(6.0 * uniform_quantizer_optimum(16).xi_max > 500.0);
  CHECK(6.0 * uniform_quantizer_optimum(15).xi_max < 500.0);
}

TEST_CASE("over (sw2, D) at sb2 > 0 chi_c rises along the ray to chi_max(N), never reaching it",
          "[biased_depth]") {
  const double sb2 = 0.1;
  for (int n : {2, 4, 16}) {
    INFO("N = " << n);
    const auto unbiased = uniform_quantizer_optimum(n);
    double previous = 0.0;
    for (double t : {0.5, 0.2, 0.1, 0.03, 1e-2, 1e-3, 1e-4, 1e-5}) {
      INFO("t = sb2 / q* = " << t);
      const auto point = joint_ray_point(unbiased, sb2, t);
      CHECK(point.chi_c > previous);  // monotone towards the limit
      CHECK(point.chi_c < unbiased.chi_max);
      // Independent route: the unscaled maps at the reported (sw2, D, sb2)
      // land on q* = sb2 / t and the same chi_c.
      const auto generic = generic_fixed_point(n, point.spacing, point.sw2, sb2);
      CHECK(generic.length.q == Approx(point.q_star).epsilon(1e-9));
      CHECK(generic.correlation.chi_c == Approx(point.chi_c).epsilon(1e-8));
      previous = point.chi_c;
    }
    // The gap closes like t: at t = 1e-5 it is below 1e-4 of chi_max.
    CHECK(previous == Approx(unbiased.chi_max).epsilon(1e-4));
  }
  // The N = 16 pair: 0.98846 jointly against 0.94581 at the default spacing.
  CHECK(uniform_quantizer_optimum(16).chi_max == Approx(0.98846).margin(5e-6));
}

TEST_CASE("no point at sb2 > 0 beats the sb2 = 0 value: the supremum is not attained",
          "[biased_depth]") {
  // A grid over the spacing (in units of sqrt(q*)) and the bias fraction t,
  // which together with sb2 fix (sw2, D): chi_c stays below chi_max(N).
  const int n = 16;
  const double chi_max = uniform_quantizer_optimum(n).chi_max;
  for (double dtilde_factor : {0.5, 0.8, 1.0, 1.25, 2.0})
    for (double t : {0.9, 0.5, 0.1, 0.01, 1e-3}) {
      DepthOptimum shape = uniform_quantizer_optimum(n);
      shape.dtilde_opt *= dtilde_factor;
      INFO("D~ = " << shape.dtilde_opt << ", t = " << t);
      CHECK(joint_ray_point(shape, 0.1, t).chi_c < chi_max);
    }
}

TEST_CASE("bad input to the sb2 > 0 depth functions", "[biased_depth]") {
  const auto unbiased = uniform_quantizer_optimum(8);
  CHECK_THROWS_AS(joint_ray_point(unbiased, 0.0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(joint_ray_point(unbiased, 0.1, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(joint_ray_point(unbiased, 0.1, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(fixed_quantizer_optimum(1, 0.1), std::invalid_argument);
}
