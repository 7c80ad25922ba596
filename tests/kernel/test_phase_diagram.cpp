// Phase diagrams and their critical lines against literature and closed forms.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "kernel/phase_diagram_reference.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/phase_diagram.hpp"

namespace {
constexpr double pi = 3.14159265358979323846;
}

TEST_CASE("tanh order-chaos line passes through the literature point") {
  // Schoenholz et al. 2017 / Poole et al. 2016: sigma_b^2 = 0.05 -> sigma_w^2 ~ 1.761.
  const auto tanh = qmf::make_activation("tanh");
  CHECK(qmf::order_chaos_transition(*tanh, 0.05).sw2 == Approx(1.761).epsilon(0).margin(1e-3));
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
  // The line carries its q*, which the grid's start q0 = 1 need not reach.
  CHECK(line[1].q_star == qmf::order_chaos_transition(*erf, 0.1).q_star);
  CHECK(steps[0].q_star == qmf::maximise_correlation_depth(*quant, 0.05).q_star);
  const auto branches = qmf::make_activation("steps:t=-2:2,y=-3:0:3");
  const auto best = qmf::critical_line(*branches, {0.0}, 1);
  REQUIRE(best.size() == 1);
  CHECK(best[0].q_star == Approx(10.68).epsilon(1e-3));
  CHECK(qmf::phase_point(*branches, {best[0].sw2, 0.0}, 1.0).status == qmf::PhaseStatus::collapsed);
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
  // Every point is computed on its own (no warm start from a neighbour), so
  // the values are bit-identical whatever the schedule.
  const auto sw2 = qmf::linear_grid(0.5, 3.0, 7);
  const auto sb2 = qmf::linear_grid(0.0, 0.3, 5);
  CHECK(sw2.front() == 0.5);
  CHECK(sw2.back() == 3.0);
  for (const char* spec : {"erf", "quant:16"}) {
    const auto phi = qmf::make_activation(spec);
    const auto one = qmf::phase_diagram(*phi, sw2, sb2, 1);
    const auto two = qmf::phase_diagram(*phi, sw2, sb2, 2);
    REQUIRE(one.points.size() == 35);
    for (std::size_t k = 0; k < one.points.size(); ++k) {
      INFO(spec << ", point " << k);
      CHECK(one.points[k].status == two.points[k].status);
      CHECK(one.points[k].q_star == two.points[k].q_star);
      CHECK(one.points[k].c_star == two.points[k].c_star);
      CHECK(one.points[k].chi_c == two.points[k].chi_c);
      CHECK(one.points[k].xi_c == two.points[k].xi_c);
    }
    CHECK(one.points[5 * 7 - 1].init.sw2 == 3.0);
    CHECK(one.points[5 * 7 - 1].init.sb2 == 0.3);
  }
}

TEST_CASE("quant:16 phase points reproduce the previous bracketing implementation") {
  // Values from the implementation before Newton's method and the fixed
  // Plackett rule (TOMS 748 on a c = 1 - 2^-k bracket, adaptive Gauss-Kronrod),
  // at points of the 256 x 256 benchmark grid: c* nearest to 1 (1 - c* =
  // 2.7e-4), the smallest non-zero c*, c* = 0 (sb2 = 0), the deepest xi_c and
  // a corner. Over the whole grid the two agree to 1.7e-12 relative in c*,
  // 6e-13 in chi_c and 9e-13 in xi_c. The old root was a bracket midpoint good
  // to ~2 ulp of c, and its slope formed a^2 (1 - c) by cancellation; at
  // 1 - c* = 2.7e-4 that leaves ~1e-12 relative in chi_c and xi_c: tolerance
  // 2e-12 (q* comes from the unchanged length scan: 1e-14).
  struct Reference {
    double sw2, sb2, q_star, c_star, chi_c, xi_c;
  };
  const auto quant = qmf::make_activation("quant:16");
  for (const auto& r :
       std::vector<Reference>{{0.20000000000000001, 0.48627450980392156, 0.56618471723056696,
                               0.99973332114417601, 0.50001195043333113, 1.4427447885323312},
                              {2.9121568627450984, 0.0019607843137254902, 1.8332494208035706,
                               0.0070937341888040201, 0.84923345551567242, 6.1191588669751473},
                              {0.20000000000000001, 0.0, 0.00088894399458990946, 0.0,
                               0.6366959880074009, 2.2150209763459463},
                              {1.392156862745098, 0.13725490196078433, 0.79228493658042587,
                               0.92977770617462197, 0.94208603164147087, 16.7620202489687},
                              {4.0, 0.5, 3.3806417986055299, 0.51242804568577704,
                               0.77211437052328713, 3.8666382309263123}}) {
    const auto point = qmf::phase_point(*quant, {r.sw2, r.sb2});
    INFO("sw2 = " << r.sw2 << ", sb2 = " << r.sb2);
    REQUIRE(point.status == qmf::PhaseStatus::ok);
    CHECK(point.q_star == Approx(r.q_star).epsilon(1e-14));
    CHECK(point.c_star == Approx(r.c_star).epsilon(2e-12));
    CHECK(point.chi_c == Approx(r.chi_c).epsilon(2e-12));
    CHECK(point.xi_c == Approx(r.xi_c).epsilon(2e-12));
  }
}

TEST_CASE("the grid route reproduces the point-by-point route") {
  // phase_diagram takes every length fixed point from one table of E[phi^2]
  // and, for step activations, updates the correlation deficit along Newton's
  // iteration; detail::phase_diagram_point_by_point scans and integrates anew
  // at every point. Both round to a few ulp of the map; c* and the slopes
  // inherit that over 1 - chi_c (>= 0.05 on these grids), and a small c*
  // (1e-3 near sb2 = 0) loses its relative digits to the absolute rounding of
  // cos: the largest difference seen is 2.4e-13 (c* of quant:16). Tolerance
  // 1e-12 relative, the same status everywhere. The grids hold collapsed,
  // multistable (the non-uniform steps) and c* = 0 points.
  struct Case {
    const char* spec;
    int n;
  };
  for (const auto& [spec, n] :
       {Case{"quant:16", 24}, Case{"steps:t=-1;0.2;0.5,y=-1;0;0.5;2", 32}, Case{"sign", 12},
        Case{"erf", 8}, Case{"relu", 8}, Case{"hardtanh", 5}, Case{"tanh", 3}}) {
    const auto phi = qmf::make_activation(spec);
    const auto sw2 = qmf::linear_grid(0.2, 4.0, n);
    const auto sb2 = qmf::linear_grid(0.0, 0.5, n);
    const auto grid = qmf::phase_diagram(*phi, sw2, sb2, 2);
    const auto reference = qmf::detail::phase_diagram_point_by_point(*phi, sw2, sb2, 2);
    int with_values = 0;
    for (std::size_t k = 0; k < grid.points.size(); ++k) {
      const auto& p = grid.points[k];
      const auto& r = reference.points[k];
      INFO(spec << " at sw2 = " << p.init.sw2 << ", sb2 = " << p.init.sb2);
      REQUIRE(p.status == r.status);
      if (!p.has_values()) continue;
      ++with_values;
      CHECK(p.q_star == Approx(r.q_star).epsilon(1e-12));
      CHECK(p.c_star == Approx(r.c_star).epsilon(1e-12));
      CHECK(p.chi_c == Approx(r.chi_c).epsilon(1e-12));
      CHECK(p.chi_1 == Approx(r.chi_1).epsilon(1e-12));
      // xi_c = -1 / ln chi_c turns one ulp of chi_c into eps / |ln chi_c| of
      // xi_c: 1.3e-12 at chi_c = 1 - 8e-5 (erf on a 64 x 64 grid).
      const double xi_tolerance = std::max(
          1e-12, 4.0 * std::numeric_limits<double>::epsilon() / std::fabs(std::log(r.chi_c)));
      CHECK(p.xi_c == Approx(r.xi_c).epsilon(xi_tolerance));
    }
    CHECK(with_values > 0);
  }
}
