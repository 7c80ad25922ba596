// The fast exact integrals of step activations (the second moment by parts, the
// correlation integrals of src/plackett_kernel.hpp) and Newton's method for
// c*, against independent, slower evaluations.
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/tools/roots.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/fixed_points.hpp"

using namespace qmf;

namespace {

const StepActivation& as_step(const Activation& phi) {
  return dynamic_cast<const StepActivation&>(phi);
}

// Plackett's deficit integral over theta = asin(rho) in [asin(c), pi/2], in
// long double, with the integrand as first written, sum_kl h_k h_l
// exp(-(a_k - a_l)^2 / (2 cos^2 theta) - a_k a_l / (1 + sin theta)) / (2 pi),
// in psi = pi/2 - theta (so cos theta = sin psi without cancellation). Panels
// are halved towards psi = 0 down to 2^-10 of the integrand's smallest scale
// (threshold spacing, 1/|threshold|), each split into 4 x 20-point
// Gauss-Legendre: over-refined far beyond the library's rule, so its
// truncation error is negligible and it leaves long-double rounding.
long double reference_deficit(const StepActivation& step, double q, double c) {
  std::vector<long double> a, h;
  for (std::size_t k = 0; k < step.thresholds().size(); ++k) {
    a.push_back(step.thresholds()[k] / std::sqrt(static_cast<long double>(q)));
    h.push_back(static_cast<long double>(step.levels()[k + 1]) - step.levels()[k]);
  }
  auto integrand = [&](long double psi) {
    const long double cos_theta = std::sin(psi);
    const long double sin_theta = std::cos(psi);
    long double sum = 0.0L;
    for (std::size_t k = 0; k < a.size(); ++k)
      for (std::size_t l = 0; l < a.size(); ++l) {
        const long double d = a[k] - a[l];
        const long double spread = d == 0.0L ? 0.0L : d * d / (2.0L * cos_theta * cos_theta);
        sum += h[k] * h[l] * std::exp(-spread - a[k] * a[l] / (1.0L + sin_theta));
      }
    return sum;
  };
  using rule = boost::math::quadrature::gauss<long double, 20>;
  auto panel = [&](long double lo, long double hi) {
    long double total = 0.0L;
    for (int piece = 0; piece < 4; ++piece)
      total +=
          rule::integrate(integrand, lo + (hi - lo) * piece / 4, lo + (hi - lo) * (piece + 1) / 4);
    return total;
  };
  long double scale = std::acos(static_cast<long double>(c));
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (k > 0) scale = std::min(scale, a[k] - a[k - 1]);
    if (a[k] != 0.0L) scale = std::min(scale, 1.0L / std::fabs(a[k]));
  }
  long double hi = std::acos(static_cast<long double>(c));
  long double total = 0.0L;
  while (hi > scale / 1024) {
    total += panel(hi / 2, hi);
    hi /= 2;
  }
  total += panel(0.0L, hi);
  return total / (2.0L * 3.14159265358979323846264338327950288L);
}

}  // namespace

TEST_CASE("uniform staircases are recognised, other step functions are not") {
  for (const char* spec : {"quant:3", "quant:16", "quant:5,D=0.3,A=2", "quant:256",
                           "steps:t=-0.3;0.1;0.5,y=0;1;2;3"}) {
    INFO(spec);
    CHECK(as_step(*make_activation(spec)).is_uniform_staircase());
  }
  // sign has no spacing; lloyd is not equally spaced; the steps have unequal jumps.
  for (const char* spec : {"sign", "quant:2", "lloyd:8", "steps:t=-1;0.5,y=1.5;-2;0.25",
                           "steps:t=-0.3;0.1;0.5,y=0;1;2;3.5"}) {
    INFO(spec);
    CHECK_FALSE(as_step(*make_activation(spec)).is_uniform_staircase());
  }
}

TEST_CASE("the fixed Gauss-Legendre deficit matches an over-refined long-double reference") {
  // The rule's truncation is below 1e-15 by design (plackett_kernel.hpp); what
  // remains is rounding, mostly exp() of arguments up to ~|a|^2 / 2 ~ 300 at
  // the smallest q (relative error ~ argument x eps, 7e-14). Tolerance 1e-13
  // relative. Uniform staircases (quant, the asymmetric staircase) take the
  // O(K) path, the others the O(K^2) one; q spans thresholds far out in the
  // tails (deficits down to 1e-56) to thresholds packed near 0, c from
  // independence to 1 - 1e-10.
  for (const char* spec :
       {"quant:2", "quant:3", "quant:4", "quant:16", "quant:17", "lloyd:16",
        "steps:t=-0.3;0.1;0.5,y=0;1;2;3", "steps:t=-1;0.2;0.25;3,y=0;1;-1;2;0.5"}) {
    const auto phi = make_activation(spec);
    const auto& step = as_step(*phi);
    for (double q : {1e-3, 0.1, 1.0, 10.0, 1e3})
      for (double c : {0.0, 0.3, 0.75, 0.9, 0.999, 1.0 - 1e-6, 1.0 - 1e-10}) {
        INFO(spec << ", q = " << q << ", c = " << c);
        const double reference = static_cast<double>(reference_deficit(step, q, c));
        CHECK(step.cross_moment_deficit(q, c) == Approx(reference).epsilon(1e-13));
      }
  }
}

TEST_CASE("the O(K) staircase sum holds for many levels") {
  // quant:256 (255 thresholds): the O(K) path against E[phi^2] minus the cross
  // moment by the O(K^2) Plackett integral (adaptive Gauss-Kronrod over the
  // whole range [0, asin c]), exact to rounding where the deficit is
  // O(E[phi^2]) (c <= 0.9): tolerance 1e-13 of E[phi^2]. Owen's T route sums
  // 255^2 orthant terms around y_0^2 = 1 and, at q = 0.01 where E[phi^2] =
  // 0.01, carries ~1e-11 of E[phi^2] of rounding: checked to 3e-11.
  const auto phi = make_activation("quant:256");
  const auto& step = as_step(*phi);
  for (double q : {0.01, 1.0})
    for (double c : {0.0, 0.5, 0.9}) {
      INFO("q = " << q << ", c = " << c);
      const double second = step.second_moment(q);
      const double deficit = step.cross_moment_deficit(q, c);
      CHECK(deficit ==
            Approx(second - step.cross_moment_plackett(q, c)).epsilon(0).margin(1e-13 * second));
      CHECK(deficit == Approx(second - step.cross_moment(q, c)).epsilon(0).margin(3e-11 * second));
    }
}

TEST_CASE("cross_moment_slope is the sum of bivariate densities") {
  // sum_kl h_k h_l pdf2(a_k, a_l; c) with the density as usually written,
  // exp(-(a^2 + b^2 - 2 c a b) / (2 (1 - c^2))) / (2 pi sqrt(1 - c^2)), in long
  // double. Its exponent cancels like a^2 (1 - c) as c -> 1, losing
  // log10(a^2 / (1 - c)) digits of long double's 19 (the reason the library
  // splits the exponent), so c stops at 1 - 1e-4: there the reference is good
  // to ~1e-14 and the library to rounding of exponents ~|a|^2 (1e-13 relative).
  for (const char* spec : {"quant:4", "quant:16", "lloyd:8", "steps:t=-1;0.5,y=1.5;-2;0.25"}) {
    const auto phi = make_activation(spec);
    const auto& step = as_step(*phi);
    for (double q : {0.05, 1.0, 20.0})
      for (double c : {-0.9, -0.2, 0.0, 0.6, 0.99, 1.0 - 1e-4}) {
        const long double rho = c;
        const long double one_minus_rho2 = (1.0L - rho) * (1.0L + rho);
        long double reference = 0.0L;
        for (std::size_t k = 0; k < step.thresholds().size(); ++k)
          for (std::size_t l = 0; l < step.thresholds().size(); ++l) {
            const long double a = step.thresholds()[k] / std::sqrt(static_cast<long double>(q));
            const long double b = step.thresholds()[l] / std::sqrt(static_cast<long double>(q));
            reference +=
                (static_cast<long double>(step.levels()[k + 1]) - step.levels()[k]) *
                (static_cast<long double>(step.levels()[l + 1]) - step.levels()[l]) *
                std::exp(-(a * a + b * b - 2.0L * rho * a * b) / (2.0L * one_minus_rho2)) /
                (2.0L * 3.14159265358979323846264338327950288L * std::sqrt(one_minus_rho2));
          }
        INFO(spec << ", q = " << q << ", c = " << c);
        CHECK(step.cross_moment_slope(q, c) ==
              Approx(static_cast<double>(reference)).epsilon(1e-13));
      }
  }
}

TEST_CASE("cross_moment_slope at c = -1 is the limit of the densities") {
  // Thresholds in opposite pairs (a, -a) put density 1/sqrt(1 - c^2) on the
  // line u2 = -u1: +inf. A threshold with no opposite contributes nothing:
  // t = 0.5 alone gives 0, and the slope approaches it (review of 30 Nov: NaN).
  const double inf = std::numeric_limits<double>::infinity();
  for (const char* spec : {"sign", "lloyd:4", "quant:3", "quant:4"})
    CHECK(make_activation(spec)->cross_moment_slope(1.0, -1.0) == inf);
  const auto lone = make_activation("steps:t=0.5,y=0;1");
  CHECK(lone->cross_moment_slope(1.0, -1.0) == 0.0);
  CHECK(lone->cross_moment_slope(1.0, -1.0 + 1e-6) < 1e-50);
  // Opposite jumps of opposite sign: -inf.
  CHECK(make_activation("steps:t=-1;1,y=0;1;0")->cross_moment_slope(1.0, -1.0) == -inf);
}

TEST_CASE("Newton's c* is the bracketed root of the correlation map") {
  // The root of g(c) = (1 - c) - (1 - C(c)) by TOMS 748 on a bracket from the
  // scan c = 1 - 2^-k (the previous implementation). Both solve the same
  // computed g, whose rounding (~eps) over its slope 1 - chi_c(c*) >= 0.05
  // here bounds the disagreement: 1e-14 absolute in c.
  struct Case {
    const char* spec;
    double sw2, sb2;
  };
  for (const auto& [spec, sw2, sb2] : std::vector<Case>{{"quant:16", 0.2, 0.49},
                                                        {"quant:16", 1.4, 0.14},
                                                        {"quant:16", 2.9, 0.002},
                                                        {"quant:3", 2.0, 0.1},
                                                        {"lloyd:8", 1.5, 0.05},
                                                        {"erf", 3.0, 0.2},
                                                        {"tanh", 2.5, 0.05}}) {
    const auto phi = make_activation(spec);
    const Initialization init{sw2, sb2};
    const double q = stable_length_fixed_point(*phi, init, 1.0).q;
    auto g = [&](double c) { return (1.0 - c) - correlation_map_complement(*phi, init, q, c); };
    double lo = 0.0;
    double hi = 0.5;
    while (g(hi) > 0.0) {
      lo = hi;
      hi = 0.5 * (1.0 + hi);
    }
    boost::uintmax_t iterations = 200;
    const auto root = boost::math::tools::toms748_solve(
        g, lo, hi, boost::math::tools::eps_tolerance<double>(52), iterations);
    const auto newton = stable_correlation_fixed_point(*phi, init, q);
    INFO(spec << ", sw2 = " << sw2 << ", sb2 = " << sb2 << ", c* = " << newton.c);
    CHECK(newton.c == Approx(0.5 * (root.first + root.second)).epsilon(0).margin(1e-14));
    // chi_c comes from the angle acos(c*), exact where the double c* is not:
    // the slope ~ (1 - c)^(-1/2) at the rounded c is off by up to
    // eps / (2 (1 - c*)) (5e-13 at c* = 0.9997).
    const double rounding = std::numeric_limits<double>::epsilon() / (2.0 * (1.0 - newton.c));
    CHECK(newton.chi_c ==
          Approx(correlation_map_slope(*phi, init, q, newton.c)).epsilon(1e-15 + rounding));
  }
}

TEST_CASE("the second moment by parts matches the cell-by-cell integral") {
  // Both routes round to a few ulp: the sum by parts adds one erfc per
  // threshold, each good to ~1 ulp, in terms of one sign when phi^2 grows away
  // from 0 (and falls back to the cells when its terms cancel); the cells
  // route adds Gauss-Legendre cell integrals good to ~1e-16. Tolerance 1e-14
  // relative. Levels with a 0 in the middle (quant:3), an asymmetric
  // staircase, a bump (phi^2 falls away from 0: the fallback) and 255 levels,
  // over q from 1e-12 to 1e12 (thresholds from 1e6 to 1e-6 standard
  // deviations).
  for (const char* spec :
       {"quant:16", "quant:3", "quant:255", "sign", "lloyd:8", "steps:t=-1;0.2;0.5,y=-1;0;0.5;2",
        "steps:t=-0.1;0.3,y=0;1;0", "steps:t=0;1e-3,y=-3;0.25;4"}) {
    const auto phi = make_activation(spec);
    const auto& step = as_step(*phi);
    for (double log_q = -12.0; log_q <= 12.0; log_q += 0.25) {
      const double q = std::pow(10.0, log_q);
      INFO(spec << " at q = " << q);
      CHECK(step.second_moment(q) == Approx(step.second_moment_by_cells(q)).epsilon(1e-14));
    }
  }
}
