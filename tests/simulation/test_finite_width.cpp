// The finite-width corrections (qmf/simulation/finite_width.hpp): the 1/n fit
// on exact data, and the perturbative bias and variance of the length chain
// against the chain itself.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

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
