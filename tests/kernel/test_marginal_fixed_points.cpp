// Marginal fixed points of the length map (|chi_q| = 1): the identity map of
// relu at sw2 = 2 and linear at sw2 = 1 (sb2 = 0), where every q is fixed, and
// the end of the order-chaos line at sb2 = 0 (tanh at sw2 = 1, erf at pi/4),
// where the map falls to q* = 0 algebraically (review findings 18.6, 18.7).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "qmf/activations/activation.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/kernel/phase_diagram.hpp"

using namespace qmf;

TEST_CASE("an identity length map fixes every q: q0 is q*, marginal, and listed alone") {
  // relu: E[relu(u)^2] = q / 2 exactly, so q' = q at sw2 = 2; linear at sw2 = 1.
  for (const auto& [spec, sw2] : {std::pair{"relu", 2.0}, std::pair{"linear", 1.0}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    for (const double q0 : {1e-3, 1.0, 3.0}) {
      const auto fixed = mean_field_fixed_point(*phi, {sw2, 0.0}, q0);
      CHECK(fixed.every_q_fixed);
      CHECK(fixed.length.q == q0);
      CHECK(fixed.length.chi_q == 1.0);
      CHECK(fixed.length.marginal);
      CHECK_FALSE(fixed.length.stable);  // was reported as 'unstable' beside a point at 1e-12
      REQUIRE(fixed.all_length_fixed_points.size() == 1);
      CHECK(fixed.all_length_fixed_points[0].q == q0);
      CHECK(std::isinf(fixed.xi_q));
    }
  }
  // Off the identity the flag stays down (relu with a bias: one stable q*).
  const auto relu = make_activation("relu");
  CHECK_FALSE(mean_field_fixed_point(*relu, {1.5, 0.1}, 1.0).every_q_fixed);
}

TEST_CASE("at the order-chaos line's end (sb2 = 0) q* = 0 is a marginal fixed point") {
  // sw2 phi'(0)^2 = 1: tanh at 1, erf at pi / 4 (erf'(0)^2 = 4 / pi). critical()
  // reports the same point (sw2_crit, q* = 0, c* = 1, chi_c = 1).
  const double pi = 3.14159265358979323846;
  for (const auto& [spec, sw2] : {std::pair{"tanh", 1.0}, std::pair{"erf", pi / 4.0}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const Initialization init{sw2, 0.0};
    const auto length = stable_length_fixed_point(*phi, init, 1.0);
    CHECK(length.q == 0.0);
    CHECK(length.marginal);
    const auto fixed = mean_field_fixed_point(*phi, init, 1.0);
    CHECK(fixed.length.q == 0.0);
    CHECK(fixed.length.chi_q == 1.0);
    CHECK(fixed.correlation.c == 1.0);
    CHECK(fixed.correlation.chi_c == 1.0);
    CHECK(fixed.chi_1 == 1.0);
    CHECK(std::isinf(fixed.xi_q));
    CHECK(std::isinf(fixed.xi_c));
    REQUIRE_FALSE(fixed.all_length_fixed_points.empty());
    CHECK(fixed.all_length_fixed_points.front().q == 0.0);
    CHECK_FALSE(fixed.every_q_fixed);
  }
  // A phase diagram's point there says the same (it gave xi_c = 9e15 from chi_c = 1 - 1 ulp).
  const auto tanh_point = phase_point(*make_activation("tanh"), {1.0, 0.0});
  CHECK(tanh_point.status == PhaseStatus::ok);
  CHECK(tanh_point.q_star == 0.0);
  CHECK(tanh_point.chi_c == 1.0);
  CHECK(std::isinf(tanh_point.xi_c));
  // Below the slope 1 the collapse is exponential and stays a failure.
  const auto tanh = make_activation("tanh");
  CHECK_THROWS_AS(mean_field_fixed_point(*tanh, {0.9, 0.0}, 1.0), numerical_error);
  CHECK_THROWS_AS(mean_field_fixed_point(*tanh, {1.0 - 1e-9, 0.0}, 1.0), numerical_error);
}

TEST_CASE("the approach to the marginal q* = 0 is algebraic, as the docs state") {
  // Independent route: tanh(x)^2 = x^2 - (2/3) x^4 + ..., so at sw2 = 1, sb2 = 0
  // q' = q - 2 q^2 + O(q^3) and q_l = 1 / (2 l) (1 + O(ln l / l)): 2 l q_l -> 1
  // (1.014 at l = 100, 1.0023 at l = 1000 from q0 = 1; the tolerances cover the
  // ln l / l correction), where an exponential approach would give 2 l q_l -> 0.
  // The correlation freezes near c0 instead of approaching c* = 1 (0.4406 from
  // 0.5 after 1000 layers): it moves by less than 1e-3 between layers 100 and 300.
  const auto tanh = make_activation("tanh");
  const auto layers = iterate_maps(*tanh, {1.0, 0.0}, 1.0, 0.5, 300);
  CHECK(2.0 * 300 * layers[300].q == Approx(1.0).epsilon(0.01));
  CHECK(2.0 * 100 * layers[100].q == Approx(1.0).epsilon(0.03));
  CHECK(std::fabs(layers[300].c - layers[100].c) < 1e-3);
  CHECK(layers[300].c < 0.5);
}
