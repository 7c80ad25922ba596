// The deficit E[phi^2] - E[phi(u1) phi(u2)] near c = 1 (theory.md section 2),
// which must keep full relative precision where the difference of the two
// moments cancels: against the difference away from c = 1, closed forms,
// single-threshold crossings and small-(1 - c) expansions.
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
  // (The library integrates Price's form over Plackett's kernel of phi' instead.)
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
