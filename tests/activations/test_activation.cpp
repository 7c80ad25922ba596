// The Gaussian kernel of every activation (theory.md sections 1-2): mean,
// second moment, cross moment, its deficit and slopes, each checked against a
// route that shares no code with it: closed forms, Monte Carlo, central
// differences, Owen's T against Plackett's integral, and small-(1 - c)
// expansions. Also the parsing of activation specs (docs/cli.md).
#include <boost/math/special_functions/owens_t.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "support/mean_field_test_support.hpp"

using namespace qmf;
using qmf::testing::pi;

namespace {

const StepActivation& as_step(const Activation& phi) {
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  REQUIRE(step != nullptr);
  return *step;
}

// The scale of phi's kernel at variance q: E[phi^2] (never zero for the
// tested specs), the natural unit for absolute tolerances.
double kernel_scale(const Activation& phi, double q) { return phi.second_moment(q); }

}  // namespace

// ---------------------------------------------------------------------------
// Spec parsing

TEST_CASE("make_activation builds every documented activation") {
  struct Expected {
    std::string spec;
    bool step;
    double bound;
    std::vector<std::pair<double, double>> values;  // (x, phi(x))
  };
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Expected> table = {
      {"sign", true, 1.0, {{-2.0, -1.0}, {-1e-300, -1.0}, {0.5, 1.0}}},
      {"quant:4", true, 1.0, {{-1.0, -1.0}, {-0.2, -1.0 / 3}, {0.2, 1.0 / 3}, {0.9, 1.0}}},
      {"quant:5,D=0.3,A=2", true, 2.0, {{-0.5, -2.0}, {-0.2, -1.0}, {0.0, 0.0}, {0.46, 2.0}}},
      {"steps:t=-0.5;0.2;1.3,y=-1;0.5;0.7;2", true, 2.0, {{-9.0, -1.0}, {0.0, 0.5}, {1.0, 0.7}}},
      {"steps:y=3;-4,t=0.25", true, 4.0, {{0.0, 3.0}, {0.3, -4.0}}},  // options in any order
      {"tanh", false, 1.0, {{0.5, std::tanh(0.5)}}},
      {"erf", false, 1.0, {{-0.7, std::erf(-0.7)}}},
      {"relu", false, inf, {{-0.7, 0.0}, {1.5, 1.5}}},
      {"hardtanh", false, 1.0, {{-3.0, -1.0}, {0.4, 0.4}, {1.2, 1.0}}},
      {"linear", false, inf, {{-3.5, -3.5}}},
  };
  for (const auto& e : table) {
    INFO(e.spec);
    const auto phi = make_activation(e.spec);
    CHECK(phi->is_step() == e.step);
    CHECK(phi->bound() == e.bound);
    for (const auto& [x, y] : e.values) {
      INFO("x = " << x);
      CHECK(phi->value(x) == Approx(y).epsilon(1e-15));  // level arithmetic: a few ulp
    }
  }
}

TEST_CASE("quant:N and lloyd:N have the documented thresholds and levels") {
  // theory.md section 3: y_m = -A + 2A m/(N-1), t_k = D (k - N/2), D = 2A/(N-1)
  // by default. Exact up to one rounding per number: 1e-15 relative.
  struct Quant {
    std::string spec;
    int n;
    double a;
    double d;
  };
  for (const auto& [spec, n, a, d] : std::vector<Quant>{{"quant:2", 2, 1.0, 2.0},
                                                        {"quant:4", 4, 1.0, 2.0 / 3.0},
                                                        {"quant:16", 16, 1.0, 2.0 / 15.0},
                                                        {"quant:5,D=0.3,A=2", 5, 2.0, 0.3},
                                                        {"quant:4,A=0.5", 4, 0.5, 1.0 / 3.0}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const auto& step = as_step(*phi);
    REQUIRE(step.levels().size() == static_cast<std::size_t>(n));
    REQUIRE(step.thresholds().size() == static_cast<std::size_t>(n - 1));
    for (int m = 0; m < n; ++m)
      CHECK(step.levels()[m] == testing::approx_abs(-a + 2.0 * a * m / (n - 1), 1e-15 * a));
    for (int k = 1; k < n; ++k)
      CHECK(step.thresholds()[k - 1] == testing::approx_abs(d * (k - 0.5 * n), 1e-15 * d * n));
  }
  // lloyd:N,S=s is the Lloyd-Max quantizer of N(0, 1) scaled by s.
  const auto lloyd = make_activation("lloyd:8,S=0.5");
  const auto reference = lloyd_max_quantizer(8);
  const auto& step = as_step(*lloyd);
  REQUIRE(step.thresholds().size() == 7);
  for (std::size_t k = 0; k < 7; ++k)
    CHECK(step.thresholds()[k] == Approx(0.5 * reference.thresholds[k]).epsilon(1e-15));
  for (std::size_t m = 0; m < 8; ++m)
    CHECK(step.levels()[m] == Approx(0.5 * reference.levels[m]).epsilon(1e-15));
}

TEST_CASE("spec() is canonical: parsing it again gives the same activation") {
  for (const auto& spec : testing::all_activation_specs()) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const auto again = make_activation(phi->spec());
    CHECK(again->spec() == phi->spec());
    for (double x : {-1.7, -0.45, 0.0, 0.2, 1.1, 3.0}) CHECK(again->value(x) == phi->value(x));
  }
  CHECK(make_activation("quant:16")->spec() == "quant:16,A=1,D=0.13333333333333333");
}

TEST_CASE("malformed specs throw std::invalid_argument") {
  const std::vector<std::string> malformed = {
      // unknown names, arguments where none are allowed
      "", "foo", "Sign", "sign:2", "tanh:1", "relu,A=1", "sign ",
      // N missing, not an integer, or < 2
      "quant", "quant:", "quant:1", "quant:0", "quant:-3", "quant:2.5", "quant:abc", "quant:4x",
      "lloyd:1", "lloyd:", "quant:1e300", "quant:1048577", "lloyd:2000000",
      // numbers as strtod would take them but a spec should not: spaces, hex
      "quant: 4", "quant:4,A= 2", "quant:0x10",
      // non-finite numbers
      "quant:nan", "quant:inf", "quant:4,D=nan", "quant:4,A=inf", "quant:4,D=1e999",
      "lloyd:4,S=nan",
      // bad options: non-positive, unknown, repeated, empty, not key=value
      "quant:4,D=0", "quant:4,D=-0.5", "quant:4,A=0", "quant:4,A=-1", "quant:4,X=1", "quant:4,S=1",
      "quant:4,D=1,D=2", "quant:4,D=", "quant:4,D", "quant:4,", "quant:4,,A=1", "lloyd:4,S=0",
      "lloyd:4,S=-1", "lloyd:4,D=0.1",
      // steps: missing parts, malformed lists
      "steps", "steps:", "steps:t=0", "steps:y=-1;1", "steps:t=,y=1", "steps:t=0,y=1;",
      "steps:t=0;;1,y=0;1;2", "steps:t=0,y=-1;1,z=2", "steps:t=0,y=-1;1,t=1", "steps:t=a,y=0;1",
      "steps:t=0 y=0;1",
      // steps: wrong level count
      "steps:t=0,y=1", "steps:t=0,y=1;2;3", "steps:t=-1;1,y=0;1",
      // steps: thresholds not strictly increasing
      "steps:t=1;0,y=0;1;2", "steps:t=0;0,y=0;1;2", "steps:t=-1;2;1.5,y=0;1;2;3",
      // steps: non-finite numbers
      "steps:t=inf,y=0;1", "steps:t=0,y=nan;1", "steps:t=0,y=0;1e400",
      // steps: constant (every level equal)
      "steps:t=0,y=1;1", "steps:t=-1;1,y=0;0;0"};
  for (const auto& spec : malformed) {
    INFO("spec '" << spec << "'");
    CHECK_THROWS_AS(make_activation(spec), std::invalid_argument);
  }
}

// ---------------------------------------------------------------------------
// Closed forms

TEST_CASE("closed-form kernels: sign, scaled sign, erf, relu, linear") {
  // Each reference is written from its textbook form (arcsine and arc-cosine
  // kernels) with acos/asin, independently of the library's rearrangements.
  // Away from c = +-1 these are accurate to a few ulp, and so is the library
  // (Owen's T for sign): 1e-13 relative to E[phi^2] leaves a 100x margin.
  struct Kernel {
    std::string spec;
    std::function<double(double)> mean, second, second_slope, dsm;
    std::function<double(double, double)> cross, slope;
  };
  auto scaled_sign = [](double a) {
    return Kernel{"quant:2,A=" + std::to_string(a),
                  [](double) { return 0.0; },
                  [a](double) { return a * a; },
                  [](double) { return 0.0; },
                  [](double) { return std::numeric_limits<double>::infinity(); },
                  [a](double, double c) { return a * a * 2.0 / pi * std::asin(c); },
                  [a](double, double c) { return a * a * 2.0 / pi / std::sqrt(1.0 - c * c); }};
  };
  auto erf_arg = [](double q) { return 2.0 * q / (1.0 + 2.0 * q); };
  const std::vector<Kernel> kernels = {
      scaled_sign(1.0),
      scaled_sign(3.0),
      {"erf", [](double) { return 0.0; },
       [&](double q) { return 2.0 / pi * std::asin(erf_arg(q)); },
       [](double q) { return 4.0 / (pi * (1.0 + 2.0 * q) * std::sqrt(1.0 + 4.0 * q)); },
       [](double q) { return 4.0 / (pi * std::sqrt(1.0 + 4.0 * q)); },
       [&](double q, double c) { return 2.0 / pi * std::asin(erf_arg(q) * c); },
       [&](double q, double c) {
         const double x = erf_arg(q);
         return 2.0 / pi * x / std::sqrt(1.0 - x * x * c * c);
       }},
      {"relu", [](double q) { return std::sqrt(q / (2.0 * pi)); }, [](double q) { return q / 2.0; },
       [](double) { return 0.5; }, [](double) { return 0.5; },
       [](double q, double c) {
         return q / (2.0 * pi) * (std::sqrt(1.0 - c * c) + (pi - std::acos(c)) * c);
       },
       [](double q, double c) { return q * (pi - std::acos(c)) / (2.0 * pi); }},
      {"linear", [](double) { return 0.0; }, [](double q) { return q; }, [](double) { return 1.0; },
       [](double) { return 1.0; }, [](double q, double c) { return q * c; },
       [](double q, double) { return q; }},
  };
  for (const auto& k : kernels) {
    const auto phi = make_activation(k.spec);
    for (double q : {0.1, 1.0, 7.0}) {
      const double tol = 1e-13 * k.second(q);
      INFO(k.spec << ", q = " << q);
      CHECK(phi->mean(q) == testing::approx_abs(k.mean(q), tol));
      CHECK(phi->second_moment(q) == testing::approx_abs(k.second(q), tol));
      CHECK(phi->second_moment_slope(q) == testing::approx_abs(k.second_slope(q), tol / q));
      CHECK(phi->derivative_second_moment(q) == Approx(k.dsm(q)).epsilon(1e-13));
      for (double c : {-0.95, -0.3, 0.0, 0.4, 0.9}) {
        INFO("c = " << c);
        CHECK(phi->cross_moment(q, c) == testing::approx_abs(k.cross(q, c), tol));
        CHECK(phi->cross_moment_slope(q, c) == testing::approx_abs(k.slope(q, c), tol));
        CHECK(phi->cross_moment_deficit(q, c) ==
              testing::approx_abs(k.second(q) - k.cross(q, c), tol));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Monte Carlo

TEST_CASE("every activation's kernel agrees with Monte Carlo") {
  // 2e5 samples: a standard error of ~0.2% of the scale, so an error of ~1%
  // in any moment fails. Tolerance and false-failure rate: see
  // monte_carlo_tolerance (5 SE, 5.7e-7 per comparison).
  constexpr long samples = 200000;
  std::uint64_t seed = 20240601;
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto [q, c] : testing::kernel_points) {
      INFO(spec << ", q = " << q << ", c = " << c);
      const auto mc = testing::monte_carlo_kernel(*phi, q, c, samples, ++seed);
      auto agrees = [](double exact, const testing::Estimate& e) {
        INFO("exact " << exact << ", Monte Carlo " << e.value << " +- " << e.standard_error);
        CHECK(std::fabs(exact - e.value) <= testing::monte_carlo_tolerance(e));
      };
      agrees(phi->mean(q), mc.mean);
      agrees(phi->second_moment(q), mc.second_moment);
      agrees(phi->cross_moment(q, c), mc.cross_moment);
      agrees(phi->cross_moment_deficit(q, c), mc.deficit);
      if (!phi->is_step()) {
        // Price's theorem: the slope is q E[phi'(u1) phi'(u2)].
        agrees(phi->derivative_second_moment(q), mc.derivative_second_moment);
        agrees(phi->cross_moment_slope(q, c) / q, mc.derivative_cross);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Slopes against central differences

TEST_CASE("cross_moment_slope is the c-derivative of cross_moment") {
  // Step h = 1e-5 in c at |c| <= 0.7: truncation h^2/6 |f'''| with |f'''| <=
  // 20 E[phi^2] at the tested points (the largest, 13 E[phi^2], for the
  // non-monotone steps at c = -0.7; sign: (2/pi)(1 + 2c^2)(1 - c^2)^(-5/2) = 6.8),
  // so <= 3.4e-10 E[phi^2]; rounding <= (error of cross_moment, ~1e-14 E[phi^2])
  // / h = 1e-9 E[phi^2]. Tolerance 1e-8 E[phi^2]: any slope error above 1e-8
  // relative fails.
  constexpr double h = 1e-5;
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (const auto [q, c] : testing::kernel_points) {
      INFO(spec << ", q = " << q << ", c = " << c);
      const double fd =
          testing::central_difference([&](double x) { return phi->cross_moment(q, x); }, c, h);
      CHECK(phi->cross_moment_slope(q, c) == testing::approx_abs(fd, 1e-8 * kernel_scale(*phi, q)));
    }
  }
}

TEST_CASE("second_moment_slope is the q-derivative of second_moment") {
  // Step h = 1e-4 q. E[phi(sqrt(q) z)^2] varies on the scale of q, so
  // |f'''| <= C E[phi^2] / q^3 with C = O(10) here: truncation
  // <= 1.7e-9 C E[phi^2] / q; rounding <= 1e-14 E[phi^2] / h = 1e-10 E[phi^2] / q.
  // Tolerance 1e-7 E[phi^2] / q.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (double q : {0.3, 1.0, 4.0}) {
      INFO(spec << ", q = " << q);
      const double fd =
          testing::central_difference([&](double x) { return phi->second_moment(x); }, q, 1e-4 * q);
      CHECK(phi->second_moment_slope(q) ==
            testing::approx_abs(fd, 1e-7 * kernel_scale(*phi, q) / q));
    }
  }
}

TEST_CASE("smooth activations: derivative() is the derivative of value()") {
  // Step h = 1e-5 at points >= 0.2 away from any kink: truncation h^2/6 |phi'''|
  // <= 1e-10 (|tanh'''| <= 2, |erf'''| <= 2.3), rounding eps |phi| / h <= 1e-10.
  for (const std::string spec : {"tanh", "erf", "relu", "hardtanh", "linear"}) {
    const auto phi = make_activation(spec);
    for (double x : {-2.1, -0.6, 0.35, 0.8, 1.9}) {
      INFO(spec << ", x = " << x);
      const double fd =
          testing::central_difference([&](double y) { return phi->value(y); }, x, 1e-5);
      CHECK(phi->derivative(x) == testing::approx_abs(fd, 1e-9));
    }
  }
}

// ---------------------------------------------------------------------------
// Exact identities and the two routes for step activations

namespace {
// Two independent evaluations of E[phi(u1) phi(u2)] for every step spec, each
// accurate to ~1e-14 of the scale; 1e-12 bound^2 tolerates the sum over
// O(K^2) terms. The c lists include the ends, where Plackett's integrand is
// steepest.
void check_owens_t_against_plackett(const std::vector<double>& correlations) {
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    if (!phi->is_step()) continue;
    const auto& step = as_step(*phi);
    for (double q : {0.2, 1.0, 5.0})
      for (double c : correlations) {
        INFO(spec << ", q = " << q << ", c = " << c);
        CHECK(step.cross_moment(q, c) == testing::approx_abs(step.cross_moment_plackett(q, c),
                                                             1e-12 * step.bound() * step.bound()));
      }
  }
}
}  // namespace

TEST_CASE("Owen's T and Plackett's integral give the same cross moment") {
  check_owens_t_against_plackett({0.0, 0.3, 0.9, 0.999999});
}

// Negative c integrates Plackett's identity backwards from 0 to asin(c) (once
// a bug: the integral was taken as 0 there).
TEST_CASE("Owen's T and Plackett's integral agree at negative correlations") {
  check_owens_t_against_plackett({-0.999, -0.5});
}

TEST_CASE("exact identities: independence at c = 0, E[phi^2] at c = 1, odd symmetry") {
  // c = 0: u1, u2 independent, so E[phi phi] = E[phi]^2. c = 1: u1 = u2. For
  // odd phi, E[phi(u1) phi(-u2)] = -E[phi(u1) phi(u2)]. Tolerance 1e-13 of the
  // scale: each side is a few ulp from the truth.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    const bool odd = phi->value(-0.7) == -phi->value(0.7) && phi->value(-1.3) == -phi->value(1.3);
    for (const auto [q, c] : testing::kernel_points) {
      INFO(spec << ", q = " << q << ", c = " << c);
      const double tol = 1e-13 * kernel_scale(*phi, q);
      const double mean = phi->mean(q);
      CHECK(phi->cross_moment(q, 0.0) == testing::approx_abs(mean * mean, tol));
      CHECK(phi->cross_moment(q, 1.0) == testing::approx_abs(phi->second_moment(q), tol));
      CHECK(phi->cross_moment_deficit(q, 1.0) == testing::approx_abs(0.0, tol));
      if (odd) {
        CHECK(mean == testing::approx_abs(0.0, tol));
        CHECK(phi->cross_moment(q, -c) == testing::approx_abs(-phi->cross_moment(q, c), tol));
      }
    }
  }
}

TEST_CASE("step activations: E[phi'^2] and the slope at c = 1 are infinite") {
  // theory.md section 2: the correlation map has a square-root cusp at c = 1.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    INFO(spec);
    if (phi->is_step()) {
      CHECK(std::isinf(phi->derivative_second_moment(1.0)));
      CHECK(std::isinf(phi->cross_moment_slope(1.0, 1.0)));
      CHECK(phi->derivative(0.3) == 0.0);
    } else {
      CHECK(std::isfinite(phi->derivative_second_moment(1.0)));
    }
  }
}

// ---------------------------------------------------------------------------
// The deficit E[phi^2] - E[phi phi]

TEST_CASE("cross_moment_deficit equals second_moment - cross_moment away from c = 1") {
  // For c <= 0.9 the deficit is at least ~5% of E[phi^2], so the difference
  // loses at most ~1.5 digits; at c = 0.999 it is >= 1e-3 of E[phi^2] (3
  // digits lost). Tolerance 1e-12 of the scale. c >= 0.8 reaches the step
  // activations' direct Plackett route (used for 1 - c < 0.25).
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    for (double q : {0.5, 2.0})
      for (double c : {-0.6, 0.0, 0.7, 0.8, 0.9, 0.999}) {
        INFO(spec << ", q = " << q << ", c = " << c);
        CHECK(phi->cross_moment_deficit(q, c) ==
              testing::approx_abs(phi->second_moment(q) - phi->cross_moment(q, c),
                                  1e-12 * kernel_scale(*phi, q)));
      }
  }
}

namespace {
// 1 - c for the tests near c = 1: c = 1 - delta is representable to a
// relative error 1e-16 / delta in delta, so every check computes delta = 1 - c
// from the double c (exact by Sterbenz's lemma).
const std::vector<double> deltas_near_one = {1e-3, 1e-6, 1e-10};
// Small enough that u1, u2 never straddle two thresholds (see below).
const std::vector<double> deltas_single_crossing = {1e-6, 1e-10};
}  // namespace

TEST_CASE("deficit near c = 1: closed forms for sign, erf, relu, linear") {
  // References free of cancellation:
  //  sign:   (2/pi) acos(c) = (4/pi) asin(sqrt(delta/2)).
  //  erf:    f(1) - f(1 - delta) by Taylor, f(c) = (2/pi) asin(x c), x = 2q/(1+2q),
  //          to order delta^4; the truncation, ~f^(5) delta^5/120, is ~1e-12
  //          relative at delta = 1e-3 for q = 1.
  //  relu:   q delta / 2 - (q / 2pi) int_{1-delta}^1 acos = q delta/2 - q (2 delta)^(3/2)
  //          (1 + delta/20) / (6 pi) + O(q delta^(7/2)) (acos(1 - s) = sqrt(2s)(1 + s/12 + ..)).
  //  linear: q delta.
  // Relative tolerance 1e-9: the library's own forms are exact to ~1e-15, so
  // this only has to absorb the series truncation above.
  const double q = 1.0;
  const double x = 2.0 * q / (1.0 + 2.0 * q);
  for (double delta_nominal : deltas_near_one) {
    const double c = 1.0 - delta_nominal;
    const double delta = 1.0 - c;
    INFO("1 - c = " << delta);
    const double erf_d1 = 2.0 / pi * x / std::sqrt(1.0 - x * x);
    const double erf_d2 = 2.0 / pi * x * x * x / std::pow(1.0 - x * x, 1.5);
    const double erf_d3 = 2.0 / pi * x * x * x * (1.0 + 2.0 * x * x) / std::pow(1.0 - x * x, 2.5);
    const double erf_d4 =
        2.0 / pi * std::pow(x, 5) * (9.0 + 6.0 * x * x) / std::pow(1.0 - x * x, 3.5);
    struct Reference {
      std::string spec;
      double deficit;
    };
    for (const auto& [spec, reference] : std::vector<Reference>{
             {"sign", 4.0 / pi * std::asin(std::sqrt(delta / 2.0))},
             {"erf", erf_d1 * delta - erf_d2 * std::pow(delta, 2) / 2.0 +
                         erf_d3 * std::pow(delta, 3) / 6.0 - erf_d4 * std::pow(delta, 4) / 24.0},
             {"relu",
              q * delta / 2.0 - q * std::pow(2.0 * delta, 1.5) * (1.0 + delta / 20.0) / (6.0 * pi)},
             {"linear", q * delta}}) {
      INFO(spec);
      CHECK(make_activation(spec)->cross_moment_deficit(q, c) == Approx(reference).epsilon(1e-9));
    }
  }
}

TEST_CASE("deficit near c = 1: step activations against single threshold crossings") {
  // E[(phi(u1) - phi(u2))^2]/2 = sum_k h_k^2 P(z1 > a_k > z2) + (terms where
  // u1, u2 straddle two thresholds), and P(z1 > a > z2) = 2 T(a, r) with Owen's
  // T, r = sqrt((1 - c)/(1 + c)): a route through Boost's owens_t instead of
  // the library's Plackett quadrature. The two-threshold terms are below
  // P(|z1 - z2| > min spacing / sqrt(q)): z1 - z2 has standard deviation
  // sqrt(2 (1 - c)) <= 1.5e-3 for 1 - c <= 1e-6, and the narrowest spacing
  // (quant:16 at q = 5) is 0.06, 40 standard deviations: negligible. (At
  // 1 - c = 1e-3 they are ~10%, so that case is left to the difference test.)
  // Owen's T and the quadrature are both good to ~1e-14: relative tolerance 1e-9.
  for (const auto& spec : testing::all_activation_specs()) {
    const auto phi = make_activation(spec);
    if (!phi->is_step()) continue;
    const auto& step = as_step(*phi);
    for (double q : {0.2, 1.0, 5.0})
      for (double delta_nominal : deltas_single_crossing) {
        const double c = 1.0 - delta_nominal;
        const double delta = 1.0 - c;
        const double r = std::sqrt(delta / (2.0 - delta));
        double reference = 0.0;
        for (std::size_t k = 0; k < step.thresholds().size(); ++k) {
          const double h = step.levels()[k + 1] - step.levels()[k];
          reference += 2.0 * h * h * boost::math::owens_t(step.thresholds()[k] / std::sqrt(q), r);
        }
        INFO(spec << ", q = " << q << ", 1 - c = " << delta);
        CHECK(step.cross_moment_deficit(q, c) == Approx(reference).epsilon(1e-9));
      }
  }
}

TEST_CASE("deficit near c = 1: hardtanh by its kink expansion") {
  // slope(c) = q P(|u1| < 1, |u2| < 1) = q [P(|z| < b) - 4 T(b, r)] + O(delta),
  // b = 1/sqrt(q), with T(b, r) = r pdf(b)/sqrt(2 pi) (1 + O(r^2)) and
  // r = sqrt(s/2)(1 + O(s)), s = 1 - c. Integrating over s in [0, delta]:
  // deficit = q [P(|z| < b) delta - (4/3) pdf(b) delta^(3/2) / sqrt(pi)] (1 + O(delta)).
  // At delta = 1e-10 the O(delta) remainder is ~1e-10 relative: tolerance 1e-8.
  // (The library integrates E[(phi1 - phi2)^2]/2 by 2D quadrature instead.)
  const auto phi = make_activation("hardtanh");
  for (double q : {0.3, 1.0, 4.0}) {
    const double c = 1.0 - 1e-10;
    const double delta = 1.0 - c;
    const double b = 1.0 / std::sqrt(q);
    const double reference = q * (normal_interval(-b, b) * delta -
                                  4.0 / 3.0 * normal_pdf(b) * std::pow(delta, 1.5) / std::sqrt(pi));
    INFO("q = " << q);
    CHECK(phi->cross_moment_deficit(q, c) == Approx(reference).epsilon(1e-8));
  }
}

TEST_CASE("deficit near c = 1: tanh by Price's expansion") {
  // For smooth phi the deficit is int_c^1 slope = q E[phi'^2] delta
  // - q^2 E[phi''^2] delta^2 / 2 + ...: at delta = 1e-10 the first term alone is
  // exact to ~q 1e-10 relative (E[tanh''^2] < E[tanh'^2]). Tolerance 1e-8.
  const auto phi = make_activation("tanh");
  const double c = 1.0 - 1e-10;
  const double delta = 1.0 - c;
  for (double q : {0.3, 1.0, 4.0}) {
    INFO("q = " << q);
    CHECK(phi->cross_moment_deficit(q, c) ==
          Approx(q * phi->derivative_second_moment(q) * delta).epsilon(1e-8));
  }
}
