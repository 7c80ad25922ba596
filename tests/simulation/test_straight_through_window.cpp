// One-sided and general straight-through windows g(x) = s 1{lo <= x <= hi}
// (issue 13): E[g^2], the gradient-preserving slope, the derivative kernel's
// rectangle, and simulated gradients of a quantized relu against the mean field.
#include <boost/math/distributions/students_t.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "qmf/activations/backward_derivative.hpp"
#include "qmf/kernel/derivative_kernel.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"
#include "qmf/simulation/simulate.hpp"

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

// A 4-level quantized relu: 0 below 0.25, then 1/3, 2/3, 1 (thresholds 0.25, 0.75, 1.25).
const char* quantized_relu = "steps:t=0.25:0.75:1.25,y=0:0.3333333333333333:0.6666666666666666:1";

qmf::StraightThrough window(double slope, double lo, double hi) {
  return {slope, 1.0, std::pair{lo, hi}};
}
}  // namespace

TEST_CASE("the window [-tau, tau] is the symmetric box", "[ste_window]") {
  const auto phi = qmf::make_activation("quant:4");
  const qmf::BackwardDerivative box(*phi, {1.3, 0.6});
  const qmf::BackwardDerivative general(*phi, window(1.3, -0.6, 0.6));
  const qmf::DerivativeKernel box_kernel(*phi, {1.3, 0.6});
  const qmf::DerivativeKernel general_kernel(*phi, window(1.3, -0.6, 0.6));
  for (double q : {0.1, 1.0, 5.0}) {
    CHECK(general.second_moment(q) == Approx(box.second_moment(q)).epsilon(1e-14));
    for (double c : {-0.5, 0.3, 0.99})
      CHECK(general_kernel.cross_moment(q, 2.0 * q, c) ==
            Approx(box_kernel.cross_moment(q, 2.0 * q, c)).epsilon(1e-13));
  }
  for (double x : {-0.7, -0.6, 0.0, 0.6, 0.61}) CHECK(general(x) == box(x));
}

TEST_CASE("E[g^2] of a one-sided window against quadrature and closed forms", "[ste_window]") {
  const auto phi = qmf::make_activation(quantized_relu);
  const qmf::BackwardDerivative g(*phi, window(1.5, 0.0, 1.0));
  for (double q : {0.05, 0.4, 1.0, 7.0}) {
    const double root = std::sqrt(q);
    const double breaks[] = {0.0, 1.0 / root};
    const double quadrature =
        qmf::gaussian_expectation([&](double z) { return g(root * z) * g(root * z); }, breaks);
    CHECK(g.second_moment(q) == Approx(quadrature).epsilon(1e-12));
    CHECK(g.second_moment(q) == Approx(2.25 * (qmf::normal_cdf(1.0 / root) - 0.5)).epsilon(1e-14));
  }
  // [0, inf): half the mass, whatever q.
  const qmf::BackwardDerivative half(*phi, window(1.0, 0.0, inf));
  CHECK(half.second_moment(3.0) == Approx(0.5).epsilon(1e-15));
  CHECK(half(1e6) == 1.0);
  CHECK(half(-1e-9) == 0.0);
}

TEST_CASE("the gradient-preserving slope of a window", "[ste_window]") {
  const auto phi = qmf::make_activation(quantized_relu);
  const qmf::Initialization init{2.0, 0.05};
  const auto ste = qmf::gradient_preserving_surrogate(*phi, init, 1.0, 0.0, 1.0);
  const qmf::BackwardDerivative g(*phi, ste);
  const double q_star = qmf::iterate_maps(*phi, init, 1.0, 0.5, 2000).back().q;
  CHECK(init.sw2 * g.second_moment(q_star) == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("the derivative kernel's window rectangle against Monte Carlo", "[ste_window]") {
  // 4e5 pairs: a standard error ~8e-4 of a probability; 5 SE.
  const auto phi = qmf::make_activation(quantized_relu);
  const qmf::DerivativeKernel kernel(*phi, window(1.2, 0.0, 1.0));
  const double q1 = 0.7, q2 = 1.9, c = 0.4;
  std::mt19937_64 rng(13);
  std::normal_distribution<double> z;
  const int n = 400000;
  int both = 0;
  for (int i = 0; i < n; ++i) {
    const double z1 = z(rng), z2 = c * z1 + std::sqrt(1.0 - c * c) * z(rng);
    const double u1 = std::sqrt(q1) * z1, u2 = std::sqrt(q2) * z2;
    both += u1 >= 0.0 && u1 <= 1.0 && u2 >= 0.0 && u2 <= 1.0;
  }
  const double p = static_cast<double>(both) / n;
  const double se = std::sqrt(p * (1.0 - p) / n);
  CHECK(std::fabs(kernel.cross_moment(q1, q2, c) / 1.44 - p) < 5.0 * se);
  // c = 1 and equal variances: the pair is one variable, the rectangle its interval.
  CHECK(kernel.cross_moment(q1, q1, 1.0) == Approx(kernel.second_moment(q1)).epsilon(1e-12));
  // A one-sided infinite window: P(u1 > 0, u2 > 0) = 1/4 + asin(c) / (2 pi).
  const qmf::DerivativeKernel orthant(*phi, window(1.0, 0.0, inf));
  CHECK(orthant.cross_moment(q1, q2, c) ==
        Approx(0.25 + std::asin(c) / (2.0 * 3.14159265358979323846)).epsilon(1e-14));
}

TEST_CASE("simulated gradients of a quantized relu with the window [0, 1]", "[ste_window]") {
  // Per-layer z-scores of the simulated gradient against prod sw2 E[g^2], with
  // a Bonferroni threshold over the layers (family-wise 1e-3, Student's t).
  const auto phi = qmf::make_activation(quantized_relu);
  qmf::SimulationSettings s;
  s.init = {2.0, 0.05};
  s.width = 256;
  s.depth = 15;
  s.nets = 12;
  s.seed = 7;
  s.threads = 2;
  s.surrogate = window(1.5, 0.0, 1.0);  // not gradient-preserving: the gradient grows
  const auto sim = qmf::simulate_networks(*phi, s);
  const auto mf = qmf::predict_layers(*phi, s);
  REQUIRE(std::fabs(std::log(mf[0].grad)) > 0.5);  // a visible trend to follow
  const boost::math::students_t t(s.nets - 1);
  const double threshold =
      boost::math::quantile(boost::math::complement(t, 1e-3 / (2.0 * s.depth)));
  for (int l = 0; l < s.depth; ++l) {
    INFO("layer " << l << ": " << sim[l].grad.mean << " +- " << sim[l].grad.se << " vs "
                  << mf[l].grad);
    CHECK(std::fabs(sim[l].grad.mean - mf[l].grad) < threshold * sim[l].grad.se);
  }
}

TEST_CASE("malformed windows are rejected", "[ste_window]") {
  const auto phi = qmf::make_activation("quant:4");
  CHECK_THROWS_AS(qmf::BackwardDerivative(*phi, window(1.0, 1.0, 1.0)), std::invalid_argument);
  CHECK_THROWS_AS(qmf::BackwardDerivative(*phi, window(1.0, 2.0, -1.0)), std::invalid_argument);
  CHECK_THROWS_AS(qmf::DerivativeKernel(*phi, window(1.0, std::nan(""), 1.0)),
                  std::invalid_argument);
  CHECK_THROWS_AS(qmf::gradient_preserving_surrogate(*phi, {1.0, 0.0}, 1.0, 0.5, 0.5),
                  std::invalid_argument);
}

TEST_CASE("the default slope where the length map collapses is the limit q* -> 0", "[ste_window]") {
  // quant:3 at sw2 = 0.25, sb2 = 0: the zero level swallows small inputs and
  // q falls from 1 to 0 (review 30 Nov b, D). There every pre-activation lies
  // at 0: P(box) = 1, s = 1/sigma_w = 2 exactly; a window around 0 likewise,
  // one ending at 0 holds half of a vanishing normal (s = 1/sqrt(sw2 / 2)),
  // and one away from 0 none (no slope preserves the gradient: bad input).
  const auto phi = qmf::make_activation("quant:3");
  const qmf::Initialization init{0.25, 0.0};
  CHECK(qmf::reached_length(*phi, init, 1.0) == 0.0);
  CHECK(qmf::gradient_preserving_surrogate(*phi, init, 1.0, 1.0).slope == 2.0);
  CHECK(qmf::gradient_preserving_surrogate(*phi, init, 1.0, -0.5, inf).slope == 2.0);
  CHECK(qmf::gradient_preserving_surrogate(*phi, init, 1.0, 0.0, 1.0).slope ==
        Approx(std::sqrt(8.0)).epsilon(1e-15));
  CHECK_THROWS_AS(qmf::gradient_preserving_surrogate(*phi, init, 1.0, 0.5, 1.0),
                  std::invalid_argument);
  // Where the map settles, the slope is the one at its q* (quant:3 at sw2 = 2).
  const qmf::Initialization settled{2.0, 0.0};
  const double q_star = qmf::reached_length(*phi, settled, 1.0);
  CHECK(q_star > 0.0);
  CHECK(qmf::gradient_preserving_surrogate(*phi, settled, 1.0, 1.0).slope ==
        qmf::gradient_preserving_slope(2.0, q_star, 1.0));
}
