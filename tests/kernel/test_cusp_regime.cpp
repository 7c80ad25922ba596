// c* of step activations extremely close to 1 (issue 15, item 2): the
// square-root cusp of the correlation map at c = 1, where 1 - c* falls below
// the resolution of c (1e-16) and even below the doubles (1e-511). chi_c and
// xi_c must keep full relative precision, and c* must never come out as 1.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/maps.hpp"

using namespace qmf;

namespace {

constexpr double pi = 3.14159265358979323846;

// ln(1 - c*) by the cusp's asymptotics, an independent route: for angles
// theta << 1/|a_k| the Plackett kernel is its diagonal K0 = sum_k h_k^2
// exp(-a_k^2 / 2) (the off-diagonal terms vanish like exp(-d^2 / 2 theta^2)),
// so 1 - C(cos theta) = sw2 K0 theta / (2 pi q*) and the fixed point
// theta^2 / 2 = that gives theta* = sw2 K0 / (pi q*), 1 - c* = theta*^2 / 2,
// with relative corrections O(a^2 theta*^2). K0 is summed in logarithms.
double log_one_minus_c_asymptotic(const StepActivation& phi, double sw2, double q_star) {
  const auto& t = phi.thresholds();
  const auto& y = phi.levels();
  std::vector<double> logs;
  double largest = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double h = y[k + 1] - y[k];
    const double a = t[k] / std::sqrt(q_star);
    logs.push_back(2.0 * std::log(std::fabs(h)) - 0.5 * a * a);
    largest = std::max(largest, logs.back());
  }
  double sum = 0.0;
  for (double l : logs) sum += std::exp(l - largest);
  const double log_k0 = largest + std::log(sum);
  const double log_theta = std::log(sw2) + log_k0 - std::log(pi * q_star);
  return 2.0 * log_theta - std::log(2.0);
}

double log_one_minus_c(const CorrelationFixedPoint& c) {
  return std::log(2.0) + 2.0 * std::log(std::sin(0.5 * c.angle));
}

}  // namespace

TEST_CASE("1 - c* = 9.1e-511: chi_c = 1/2 and xi_c = 1/ln 2, c* never 1") {
  const auto phi = make_activation("steps:t=-6.645541;3.972435,y=-0.6328125;0.28515625;2.04296875");
  const auto& step = dynamic_cast<const StepActivation&>(*phi);
  const Initialization init{0.16464, 0.0};
  const auto fixed = mean_field_fixed_point(*phi, init);
  REQUIRE(fixed.correlation.angle > 0.0);
  const double expected = log_one_minus_c_asymptotic(step, init.sw2, fixed.length.q);
  // The referee: mpmath at 60 digits, q* by findroot and the same
  // asymptotics, 1 - c* = 8.92309837381413492e-511 (the issue quoted 9.1e-511).
  CHECK(log_one_minus_c(fixed.correlation) ==
        Approx(std::log(8.92309837381413492) - 511.0 * std::log(10.0)).epsilon(1e-14));
  // The asymptotic route is exact to O(theta*^2 a^2) ~ 1e-500: a few ulps of ln.
  CHECK(log_one_minus_c(fixed.correlation) == Approx(expected).epsilon(1e-14));
  CHECK(fixed.correlation.chi_c == Approx(0.5).epsilon(1e-14));
  CHECK(fixed.xi_c == Approx(1.0 / std::log(2.0)).epsilon(1e-14));
}

TEST_CASE("1 - c* ~ 1e-31: chi_c to full precision (truth 0.49999999999999114)") {
  const auto phi = make_activation("steps:t=2.326903;5.911585,y=-1.3125;-0.86328125;0.22265625");
  const Initialization init{0.12177, 0.0};
  const auto fixed = mean_field_fixed_point(*phi, init);
  REQUIRE(fixed.correlation.angle > 0.0);
  // The referee's value differs from 1/2 by 8.9e-15: an absolute 2e-15
  // (9 ulps) tells them apart (the rounded c* of before gave 0.497306).
  CHECK(std::fabs(fixed.correlation.chi_c - 0.49999999999999114) <= 2e-15);
}

TEST_CASE("the angle solution agrees with Newton in c where c* is far from 1") {
  // Away from the cusp 1 - c* is resolved by c itself: the residual of the
  // correlation map at c* is at the rounding level.
  for (const std::string spec :
       {"sign", "quant:4", "quant:16", "lloyd:8,S=0.5", "steps:t=-1;0.5,y=1.5;-2;0.25"}) {
    const auto phi = make_activation(spec);
    const Initialization init{1.5, 0.1};
    const auto fixed = mean_field_fixed_point(*phi, init);
    INFO(spec);
    const double c = fixed.correlation.c;
    REQUIRE(c < 0.999);
    const double one_minus = correlation_map_complement(*phi, init, fixed.length.q, c);
    CHECK((1.0 - one_minus) == Approx(c).margin(1e-14));
    CHECK(std::cos(fixed.correlation.angle) == Approx(c).margin(1e-15));
    CHECK(fixed.correlation.chi_c ==
          Approx(correlation_map_slope(*phi, init, fixed.length.q, c)).epsilon(1e-12));
  }
}

TEST_CASE("quant:16,A=0.01 at sw2 = 0.001, sb2 = 10: c* < 1 and a finite xi_c") {
  const auto phi = make_activation("quant:16,A=0.01");
  const auto fixed = mean_field_fixed_point(*phi, {0.001, 10.0});
  CHECK(fixed.correlation.angle > 0.0);
  CHECK(std::isfinite(fixed.xi_c));
  CHECK(fixed.correlation.chi_c > 0.0);
  CHECK(fixed.correlation.chi_c < 1.0);
}
