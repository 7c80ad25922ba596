// Phase diagrams and their critical lines against literature and closed forms.
#include <catch2/catch.hpp>
#include <cmath>

#include "qmf/critical.hpp"
#include "qmf/critical_line.hpp"
#include "qmf/phase_diagram.hpp"

namespace {
constexpr double pi = 3.14159265358979323846;
}

TEST_CASE("tanh order-chaos line passes through the literature point") {
  // Schoenholz et al. 2017 / Poole et al. 2016: sigma_b^2 = 0.05 -> sigma_w^2 ~ 1.761.
  const auto tanh = qmf::make_activation("tanh");
  CHECK(qmf::order_chaos_transition(*tanh, 0.05).sw2 == Approx(1.761).margin(1e-3));
}

TEST_CASE("erf order-chaos line matches the closed form sw2 = pi sqrt(1 + 4 q*) / 4") {
  // E[erf'(u)^2] = (4/pi) / sqrt(1 + 4q), so chi_1 = 1 at sw2 = pi sqrt(1 + 4q*) / 4.
  const auto erf = qmf::make_activation("erf");
  for (double sb2 : {0.01, 0.05, 0.2, 1.0}) {
    const auto point = qmf::order_chaos_transition(*erf, sb2);
    CHECK(point.sw2 == Approx(pi * std::sqrt(1.0 + 4.0 * point.q_star) / 4.0).epsilon(1e-10));
  }
}

TEST_CASE("critical_line follows order_chaos_transition and maximise_correlation_depth") {
  const auto erf = qmf::make_activation("erf");
  const auto line = qmf::critical_line(*erf, {0.05, 0.1}, 2);
  REQUIRE(line.size() == 2);
  CHECK(line[1].sw2 == qmf::order_chaos_transition(*erf, 0.1).sw2);
  const auto quant = qmf::make_activation("quant:4");
  const auto steps = qmf::critical_line(*quant, {0.05}, 1);
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].sw2 == qmf::maximise_correlation_depth(*quant, 0.05).sw2);
}

TEST_CASE("phase points carry a status instead of NaN") {
  const auto erf = qmf::make_activation("erf");
  CHECK(qmf::phase_point(*erf, {0.5, 0.0}).status == qmf::PhaseStatus::collapsed);
  const auto ok = qmf::phase_point(*erf, {2.0, 0.1});
  REQUIRE(ok.status == qmf::PhaseStatus::ok);
  CHECK(std::isfinite(ok.xi_c));
  CHECK(ok.c_star < 1.0);  // chaotic side of the line
  const auto quant = qmf::make_activation("quant:16");
  const auto step = qmf::phase_point(*quant, {2.0, 0.1});
  REQUIRE(step.has_values());
  CHECK(std::isinf(step.chi_1));
  CHECK(step.c_star < 1.0);
}

TEST_CASE("phase diagram does not depend on the thread count") {
  const auto erf = qmf::make_activation("erf");
  const auto sw2 = qmf::linear_grid(0.5, 3.0, 7);
  const auto sb2 = qmf::linear_grid(0.0, 0.3, 5);
  CHECK(sw2.front() == 0.5);
  CHECK(sw2.back() == 3.0);
  const auto one = qmf::phase_diagram(*erf, sw2, sb2, 1);
  const auto two = qmf::phase_diagram(*erf, sw2, sb2, 2);
  REQUIRE(one.points.size() == 35);
  for (std::size_t k = 0; k < one.points.size(); ++k) {
    CHECK(one.points[k].status == two.points[k].status);
    CHECK(one.points[k].xi_c == two.points[k].xi_c);
  }
  CHECK(one.points[5 * 7 - 1].init.sw2 == 3.0);
  CHECK(one.points[5 * 7 - 1].init.sb2 == 0.3);
}
