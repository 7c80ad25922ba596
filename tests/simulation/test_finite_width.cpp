// The finite-width corrections (qmf/simulation/finite_width.hpp): the 1/n fit
// on exact data, and the perturbative bias and variance of the length chain
// against the chain itself.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/simulation/finite_width.hpp"

TEST_CASE("the 1/n fit recovers a/n + b/n^2", "[finite_width]") {
  std::vector<double> n, y, se;
  for (double w = 64; w <= 4096; w *= 2) {
    n.push_back(w);
    y.push_back(3.0 / w - 5.0 / (w * w));
    se.push_back(1e-3 / w);
  }
  const auto fit = qmf::fit_inverse_width(n, y, se);
  CHECK(fit.a == Approx(3.0).epsilon(1e-10));
  CHECK(fit.b == Approx(-5.0).epsilon(1e-8));
  CHECK(fit.chi2_per_dof < 1e-12);
  CHECK_THROWS_AS(qmf::fit_inverse_width(std::vector<double>{1, 2}, y, se), std::invalid_argument);

  // Exact values (se = 0 at every width, as the length chain of sign): the
  // same fit with equal weights and no error; se = 0 at one width only is refused.
  const std::vector<double> none(n.size(), 0.0);
  const auto exact = qmf::fit_inverse_width(n, y, none);
  CHECK(exact.a == Approx(3.0).epsilon(1e-10));
  CHECK(exact.b == Approx(-5.0).epsilon(1e-8));
  CHECK(exact.a_se == 0.0);
  CHECK(exact.chi2_per_dof == 0.0);
  auto one = se;
  one[2] = 0.0;
  CHECK_THROWS_AS(qmf::fit_inverse_width(n, y, one), std::invalid_argument);
}

TEST_CASE("the perturbative length corrections match the length chain", "[finite_width]") {
  // Width 256, 20000 chains: n (mean v - q) against A^l within 4 of its
  // standard errors plus 10 % of A^l for the O(1/n) remainder the leading
  // order leaves out; n Var v against B^l within 10 %. A wrong layer-1 start
  // (Gaussian instead of the sphere) or a missing V'' term moves A^l by more.
  for (const char* act : {"tanh", "quant:4"}) {
    DYNAMIC_SECTION(act) {
      const auto phi = qmf::make_activation(act);
      qmf::SimulationSettings s;
      s.init = {1.5, 0.05};
      s.width = 256;
      s.depth = 5;
      s.nets = 20000;
      s.threads = 2;
      const auto chain = qmf::length_chain(*phi, s);
      const auto theory = qmf::length_corrections(*phi, s.init, s.q0, s.depth);
      double q = s.q0;
      for (int l = 1; l <= s.depth; ++l) {
        q = qmf::length_map(*phi, s.init, q);
        const double bias = s.width * (chain[l].mean - q);
        const double bias_se = s.width * chain[l].se;
        const double variance = s.width * s.nets * chain[l].se * chain[l].se;
        INFO("layer " << l << ": n bias " << bias << " +- " << bias_se << " vs A " << theory[l].bias
                      << "; n Var " << variance << " vs B " << theory[l].variance);
        CHECK(std::fabs(bias - theory[l].bias) < 4.0 * bias_se + 0.1 * std::fabs(theory[l].bias));
        CHECK(variance == Approx(theory[l].variance).epsilon(0.1));
      }
    }
  }
}

TEST_CASE("the fluctuation term of a step activation is its exact cell sum", "[finite_width]") {
  // B^(l+1) - V'^2 B^l = sw2^2 Var[phi(u)^2], u ~ N(0, q^l): for a staircase
  // E[phi^p] is a sum over cells of y^p times a normal interval, exact in
  // closed form. quant:16 at its critical sw2 (q^4 = 0.2845): the generic
  // quadrature across the jumps missed it by 8e-6 (an independent
  // recomputation, 30 Nov); split at the thresholds it holds to 1e-12.
  const auto phi = qmf::make_activation("quant:16");
  const auto& step = dynamic_cast<const qmf::StepActivation&>(*phi);
  const qmf::Initialization init{qmf::maximise_correlation_depth(*phi, 0.0).sw2, 0.0};
  const int depth = 8;
  const auto corrections = qmf::length_corrections(*phi, init, 1.0, depth);
  double q = 1.0;
  for (int l = 1; l < depth; ++l) {
    q = qmf::length_map(*phi, init, q);
    const auto& t = step.thresholds();
    const auto& y = step.levels();
    double m2 = 0.0, m4 = 0.0;
    for (std::size_t k = 0; k < y.size(); ++k) {
      const double lo = k == 0 ? -INFINITY : t[k - 1] / std::sqrt(q);
      const double hi = k == t.size() ? INFINITY : t[k] / std::sqrt(q);
      const double mass = 0.5 * (std::erfc(lo / std::sqrt(2.0)) - std::erfc(hi / std::sqrt(2.0)));
      m2 += mass * y[k] * y[k];
      m4 += mass * y[k] * y[k] * y[k] * y[k];
    }
    const double slope = qmf::length_map_slope(*phi, init, q);
    const double fluctuation =
        corrections[l + 1].variance - slope * slope * corrections[l].variance;
    INFO("layer " << l << ", q = " << q);
    CHECK(fluctuation == Approx(init.sw2 * init.sw2 * (m4 - m2 * m2)).epsilon(1e-12));
  }
}
