// The finite-width corrections (qmf/simulation/finite_width.hpp): the 1/n fit
// on exact data, and the perturbative bias and variance of the length chain
// against the chain itself.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "qmf/activations/activation.hpp"
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

TEST_CASE("nets of different widths in a study are independent draws", "[finite_width]") {
  // One seed for every width shares the streams (the first n rows of each
  // draw): over seeds, the mean q at layer 1 of 4 tanh nets at n = 64 and
  // n = 128 then correlates, 0.59 over these 150 seeds (review Q 1 saw ~0.75
  // in finite-width's own settings). From width_seed the correlation is
  // 0 +- 0.08 (-0.21 here; -0.007 and -0.05 over seeds 1001.. and 5001..);
  // 0.35 is 4 standard errors.
  const auto tanh = qmf::make_activation("tanh");
  qmf::SimulationSettings s;
  s.init = {1.5, 0.05, 0.0};
  s.depth = 1;
  s.nets = 4;
  s.backward = false;
  const int seeds = 150;
  std::vector<double> narrow, wide;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    for (const int n : {64, 128}) {
      s.width = n;
      s.seed = qmf::width_seed(seed, n);
      const double q = qmf::simulate_networks(*tanh, s)[1].q.mean;
      (n == 64 ? narrow : wide).push_back(q);
    }
  }
  const auto mean = [](const std::vector<double>& x) {
    double sum = 0.0;
    for (const double v : x) sum += v;
    return sum / static_cast<double>(x.size());
  };
  const double mx = mean(narrow), my = mean(wide);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (int i = 0; i < seeds; ++i) {
    sxy += (narrow[i] - mx) * (wide[i] - my);
    sxx += (narrow[i] - mx) * (narrow[i] - mx);
    syy += (wide[i] - my) * (wide[i] - my);
  }
  const double correlation = sxy / std::sqrt(sxx * syy);
  INFO("correlation over seeds " << correlation);
  CHECK(std::fabs(correlation) < 0.35);
  CHECK(qmf::width_seed(7, 64) != qmf::width_seed(7, 128));
}
