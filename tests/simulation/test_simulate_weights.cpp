// Simulated nets with quantized weights against the maps with the weights'
// prior (docs/theory.md section 1.7): latent N(0, sw2/n) weights rounded onto
// the grid, shared by the inputs or afresh per input.
#include <boost/math/distributions/students_t.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "qmf/simulation/simulate.hpp"
#include "simulation/dense_layer.hpp"

namespace {

// As in test_simulate.cpp: every layer's q, c (1..depth) and gradient
// (0..depth-1) as z = (simulated - predicted) / SE; agreement means at least
// 95% within 4 SE and every |z| below the Student-t quantile at a
// family-wise level of 1e-3 (Bonferroni over all comparisons of the test).
constexpr int nets = 24;
constexpr int depth = 12;
constexpr int cases = 7;

double bonferroni_threshold() {
  const boost::math::students_t t(nets - 1);
  return boost::math::quantile(boost::math::complement(t, 1e-3 / (2.0 * cases * 3 * depth)));
}

struct ZScores {
  double max_abs = 0.0;
  int within_4se = 0;
  int count = 0;
  void add(double simulated, double se, double predicted) {
    const double z = std::fabs(simulated - predicted) / se;
    max_abs = std::max(max_abs, z);
    within_4se += z <= 4.0;
    ++count;
  }
  [[nodiscard]] bool agree(double threshold) const {
    return max_abs < threshold && within_4se >= 0.95 * count;
  }
};

ZScores z_scores(const std::vector<qmf::SimulatedLayer>& sim,
                 const std::vector<qmf::PredictedLayer>& mf) {
  ZScores z;
  for (int l = 0; l <= depth; ++l) {
    if (l >= 1) {
      z.add(sim[l].q.mean, sim[l].q.se, mf[l].q);
      z.add(sim[l].c[0].mean, sim[l].c[0].se, mf[l].c[0]);
    }
    if (l < depth) z.add(sim[l].grad.mean, sim[l].grad.se, mf[l].grad);
  }
  return z;
}

}  // namespace

TEST_CASE("quantized-weight nets agree with the maps at width 512", "[simulate]") {
  const double threshold = bonferroni_threshold();
  struct Case {
    const char* act;
    const char* weights;
    double sw2, sb2;
    // A prediction that must be rejected: the same sw2 with these weights.
    const char* wrong;
    bool many_inputs = false;  // fourteen pairs: m = 15 inputs instead of 2
  };
  const Case all[cases] = {
      {"quant:16", "bits:2", 1.6, 0.0, "gaussian"},
      {"quant:4", "ternary,rounding=stochastic", 2.0, 0.02, "gaussian"},
      {"quant:16", "bits:2,rounding=stochastic-per-example", 1.2, 0.1,
       "bits:2,rounding=stochastic"},
      {"tanh", "binary,rounding=stochastic-per-example", 1.0, 0.05, "binary"},
      {"sign", "bits:3,rounding=stochastic-per-example", 1.5, 0.05, "bits:3,rounding=stochastic"},
      // A fine grid, each input rounded by definition with hashed uniforms
      // (clipped hard: E[Q^2] = 0.78, which Gaussian weights with the same
      // sw2 miss).
      {"quant:16", "bits:14,clip=1.5,rounding=stochastic-per-example", 1.6, 0.05, "gaussian"},
      // Fifteen inputs: too many patterns for a whole table, each input
      // rounded by definition (dense_layer.cpp), eight hashes per weight.
      {"tanh", "binary,rounding=stochastic-per-example", 1.0, 0.05, "binary", true},
  };
  for (const Case& c : all) {
    DYNAMIC_SECTION(c.act << " " << c.weights << (c.many_inputs ? ", 15 inputs" : "")) {
      const auto phi = qmf::make_activation(c.act);
      qmf::SimulationSettings s;
      s.init = {c.sw2, c.sb2};
      s.width = 512;
      s.depth = depth;
      s.nets = nets;
      s.seed = 20261129;
      s.threads = 2;
      s.weights = qmf::parse_weight_spec(c.weights);
      if (c.many_inputs)
        s.c0 = {0.5, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99};
      if (phi->is_step()) {
        const auto mf = qmf::mean_field_initialization(s);
        s.surrogate =
            qmf::gradient_preserving_surrogate(*phi, {mf.sw2 + mf.weight_noise, mf.sb2}, s.q0, 1.0);
      }
      const auto sim = qmf::simulate_networks(*phi, s);
      const auto z = z_scores(sim, qmf::predict_layers(*phi, s));
      INFO("max |z| = " << z.max_abs << " (threshold " << threshold
                        << "), within 4 SE: " << z.within_4se << " of " << z.count);
      CHECK(z.agree(threshold));

      auto wrong = s;
      wrong.weights = qmf::parse_weight_spec(c.wrong);
      const auto z_wrong = z_scores(sim, qmf::predict_layers(*phi, wrong));
      INFO("predicted with " << c.wrong << ": max |z| = " << z_wrong.max_abs
                             << ", within 4 SE: " << z_wrong.within_4se);
      CHECK_FALSE(z_wrong.agree(threshold));
    }
  }
}

TEST_CASE("per-example rounding takes the table only where it is small", "[simulate]") {
  using qmf::simulation::WeightDraws;
  const auto spec = [](const char* text) { return qmf::parse_weight_spec(text); };
  // At most 2 inputs and 32 KiB (simulation_draws_table).
  CHECK(WeightDraws(spec("bits:8,rounding=stochastic-per-example"), 2).patterns);
  CHECK(WeightDraws(spec("binary,rounding=stochastic-per-example"), 2).patterns);
  CHECK_FALSE(WeightDraws(spec("bits:9,rounding=stochastic-per-example"), 2).patterns);
  CHECK_FALSE(WeightDraws(spec("bits:12,rounding=stochastic-per-example"), 2).patterns);
  CHECK_FALSE(WeightDraws(spec("bits:14,rounding=stochastic-per-example"), 2).patterns);
  CHECK_FALSE(WeightDraws(spec("binary,rounding=stochastic-per-example"), 3).patterns);
  CHECK_FALSE(WeightDraws(spec("bits:8,rounding=stochastic-per-example"), 4).patterns);
  CHECK_FALSE(WeightDraws(spec("binary,rounding=stochastic-per-example"), 15).patterns);
}

TEST_CASE("a simulation takes its weight noise from the spec, not from init", "[simulate]") {
  const auto phi = qmf::make_activation("sign");
  qmf::SimulationSettings s;
  s.init = {1.0, 0.0, 0.1};
  s.width = 8;
  s.depth = 2;
  CHECK_THROWS_WITH(qmf::simulate_networks(*phi, s), Catch::Contains("weight noise"));
}
