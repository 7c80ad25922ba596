// Criticality with quantized weights: the closed form chi_max(N, b) =
// chi_max(N) / (1 + r) of qmf/weights/weight_depth.hpp against the generic
// search over the latent sw2 of the noisy maps (maximise_correlation_depth
// with the weights' prior), the fixed quantizer at sb2 > 0 against a
// brute-force scan over sw2, and the order-chaos line's noisy c*.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/weights/weight_depth.hpp"
#include "support/noisy_chi.hpp"

namespace {

constexpr double two_over_pi = 0.63661977236758134;

const char* const weight_specs[] = {"gaussian",
                                    "bits:2,rounding=stochastic-per-example",
                                    "bits:4,rounding=stochastic-per-example",
                                    "binary,rounding=stochastic-per-example",
                                    "bits:3,rounding=nearest",
                                    "ternary,rounding=stochastic"};

}  // namespace

TEST_CASE(
    "chi_max(N, b) = chi_max(N) / (1 + r) agrees with the search over sw2 of the noisy maps") {
  // The search pins chi_max to ~1e-12 relative (the maximum is flat, its
  // location to ~1e-6 before the analytic refinement at c* = 0): 1e-9 and
  // 1e-6 are the tolerances for chi_max and the latent sw2.
  for (const int levels : {4, 16}) {
    const auto phi = qmf::make_activation("quant:" + std::to_string(levels));
    const auto gaussian = qmf::uniform_quantizer_optimum(levels);
    for (const char* text : weight_specs) {
      const auto spec = qmf::parse_weight_spec(text);
      const auto formula = qmf::weight_depth_optimum(gaussian, spec);
      const auto search = qmf::maximise_correlation_depth(*phi, 0.0, qmf::weight_prior(spec, 1.0));
      INFO("quant:" << levels << ", " << spec.text << ": r = " << formula.noise_ratio);
      CHECK(search.c_star == 0.0);
      CHECK(search.chi_max == Approx(formula.chi_max).epsilon(1e-9));
      CHECK(search.xi_max == Approx(formula.xi_max).epsilon(1e-8));
      CHECK(search.sw2 == Approx(formula.sw2_opt).epsilon(1e-6));
      // r = nu / E[clip(w)^2] for per-example rounding, 0 otherwise.
      const auto m = qmf::weight_moments(spec);
      CHECK(formula.noise_ratio == Approx(m.variance / m.covariance - 1.0).margin(1e-15));
      CHECK(formula.sw2_effective == Approx(gaussian.sw2_opt).epsilon(1e-15));
    }
  }
}

TEST_CASE("the fixed quantizer at sb2 > 0 with quantized weights: the search against a scan") {
  // quant:8 at sb2 = 0.1: chi_c(c*) over the latent sw2, by the library's
  // search over q* and by scanning sw2 (the final step 2e-7 in ln sw2 leaves
  // chi ~1e-14 below the top, which is flat: 1e-10 for chi, 1e-5 for sw2).
  // Nearest rounding is the Gaussian optimum at sw2 / E[Q^2]; per-example
  // noise lowers chi_c, here by more than the factor 1 / (1 + r) of sb2 = 0
  // (bits:4: 0.8403 against 0.9043 / 1.0307 = 0.8774).
  const auto phi = qmf::make_activation("quant:8");
  const double sb2 = 0.1;
  const auto gaussian =
      qmf::weight_fixed_quantizer_optimum(8, sb2, qmf::parse_weight_spec("gaussian"));
  for (const char* text : {"bits:3", "bits:4,rounding=stochastic-per-example",
                           "bits:2,rounding=stochastic-per-example"}) {
    const auto spec = qmf::parse_weight_spec(text);
    const auto unit = qmf::weight_prior(spec, 1.0);
    const auto optimum = qmf::weight_fixed_quantizer_optimum(8, sb2, spec);
    const auto [sw2, chi] =
        qmf::testing::scanned_chi_maximum(*phi, unit, sb2, std::log(0.2), std::log(20.0), 200);
    INFO(spec.text << ": search sw2 " << optimum.point.sw2 << " chi_c " << optimum.point.chi_c
                   << "; scan sw2 " << sw2 << " chi_c " << chi << "; r " << optimum.noise_ratio);
    CHECK(optimum.point.chi_c == Approx(chi).epsilon(1e-10));
    CHECK(optimum.point.chi_c >= chi - 1e-13);
    CHECK(optimum.point.sw2 == Approx(sw2).epsilon(1e-5));
    CHECK(optimum.sw2_effective ==
          Approx(optimum.point.sw2 * (unit.variance + unit.per_example_noise)).epsilon(1e-15));
    if (spec.rounding == qmf::Rounding::nearest) {
      CHECK(optimum.point.chi_c == Approx(gaussian.point.chi_c).epsilon(1e-10));
      CHECK(optimum.sw2_effective == Approx(gaussian.point.sw2).epsilon(1e-5));
    } else {
      CHECK(optimum.point.chi_c < gaussian.point.chi_c / (1.0 + optimum.noise_ratio));
    }
  }
}

TEST_CASE("sign with per-example binary weights: chi_c = (2/pi) / (1 + r) at every sw2") {
  const auto phi = qmf::make_activation("sign");
  const auto spec = qmf::parse_weight_spec("binary,rounding=stochastic-per-example");
  const auto m = qmf::weight_moments(spec);
  const auto best = qmf::maximise_correlation_depth(*phi, 0.0, qmf::weight_prior(spec, 1.0));
  CHECK(best.degenerate);
  CHECK(best.chi_max == Approx(two_over_pi * m.covariance / m.variance).epsilon(1e-13));
}

TEST_CASE("the order-chaos line with quantized weights") {
  const auto tanh = qmf::make_activation("tanh");
  SECTION("deterministic rounding rescales the latent sw2 by 1 / E[Q^2] and keeps c* = 1") {
    const auto spec = qmf::parse_weight_spec("bits:3");
    const auto m = qmf::weight_moments(spec);
    const auto gaussian = qmf::order_chaos_transition(*tanh, 0.05);
    const auto rounded = qmf::order_chaos_transition(*tanh, 0.05, qmf::weight_prior(spec, 1.0));
    CHECK(rounded.sw2 * m.variance == Approx(gaussian.sw2).epsilon(1e-14));
    CHECK(rounded.c_star == 1.0);
    CHECK(std::isinf(rounded.xi_c));
  }
  SECTION("per-example noise: at sb2 = 0 tanh is linear, c' = c / (1 + r), so c* = 0") {
    const auto spec = qmf::parse_weight_spec("bits:2,rounding=stochastic-per-example");
    const auto m = qmf::weight_moments(spec);
    const auto point = qmf::order_chaos_transition(*tanh, 0.0, qmf::weight_prior(spec, 1.0));
    CHECK(point.sw2 * m.variance == Approx(1.0).epsilon(1e-14));
    CHECK(point.c_star == Approx(0.0).margin(1e-12));
    CHECK(point.chi_c == Approx(m.covariance / m.variance).epsilon(1e-9));
  }
  SECTION("per-example noise at sb2 > 0: c* < 1 is a fixed point of the noisy map") {
    const auto spec = qmf::parse_weight_spec("bits:4,rounding=stochastic-per-example");
    const auto prior = qmf::weight_prior(spec, 1.0);
    const auto point = qmf::order_chaos_transition(*tanh, 0.05, prior);
    const qmf::Initialization init{point.sw2 * prior.variance, 0.05,
                                   point.sw2 * prior.per_example_noise};
    CHECK(point.c_star < 1.0);
    CHECK(qmf::correlation_map(*tanh, init, point.q_star, point.c_star) ==
          Approx(point.c_star).epsilon(1e-12));
    CHECK(std::isfinite(point.xi_c));
    // The gradient's slope (shared + per-example variance) is 1 there.
    CHECK((init.sw2 + init.weight_noise) * tanh->derivative_second_moment(point.q_star) ==
          Approx(1.0).epsilon(1e-10));
    // ... and the maps report that slope as chi_1, not the shared part alone
    // (0.970 here before 30 Nov, when maps and critical disagreed).
    CHECK(qmf::chi_1(*tanh, init, point.q_star) == Approx(1.0).epsilon(1e-10));
  }
}
