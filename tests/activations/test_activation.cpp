// The Gaussian kernel of every activation (theory.md sections 1-2): mean,
// second moment, cross moment and slopes, each checked against a route that
// shares no code with it: closed forms, Monte Carlo, central differences, and
// Owen's T against Plackett's integral.
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
using qmf::testing::as_step;
using qmf::testing::kernel_scale;
using qmf::testing::pi;

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
