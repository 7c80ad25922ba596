// Two-sample tests of the Gram method against drawing every weight: the
// per-layer distributions of q, c and the gradient over many nets agree, and
// the same test rejects a deliberately wrong Gram covariance.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "qmf/simulation/simulate.hpp"
#include "simulation/gram_network.hpp"
#include "simulation/random_network.hpp"
#include "support/ks_test.hpp"

namespace {

using qmf::SimulationSettings;
using qmf::simulation::GramOptions;
using qmf::simulation::NetMeasurement;
using qmf::testing::ks_p_value;

// One setting whose nets both methods simulate.
struct Case {
  const char* act;
  double sw2, sb2;
  int width;
};

// The equivalence test: for every case, layer and statistic (q and c at
// layers 1..L, the gradient at layers 0..L-1), a KS test of the 'nets' values
// of the weights method against the Gram method's. The family of all
// comparisons is held at level 1e-3 by Bonferroni (each at 1e-3 / count), so
// a correct Gram layer fails this test with probability below 1e-3 whatever
// the dependence between layers. Returns the smallest p-value times count
// (the Bonferroni-adjusted p-value of the family).
constexpr double family_wise_level = 1e-3;
constexpr int nets = 600;
constexpr int depth = 6;
const std::vector<Case> cases{{"tanh", 1.5, 0.05, 8},
                              {"tanh", 1.5, 0.05, 64},
                              {"quant:16", 1.0116776834086716, 0.0, 8},
                              {"quant:16", 1.0116776834086716, 0.0, 64},
                              {"relu", 2.0, 0.1, 8},
                              {"relu", 2.0, 0.1, 64}};
constexpr int comparisons_per_case = 3 * depth;

double adjusted_p_value(const Case& c, const GramOptions& gram, bool backward) {
  const auto phi = qmf::make_activation(c.act);
  SimulationSettings s;
  s.init = {c.sw2, c.sb2};
  s.width = c.width;
  s.depth = depth;
  s.seed = 314159;
  s.backward = backward;
  if (phi->is_step()) s.surrogate = qmf::gradient_preserving_surrogate(*phi, s.init, s.q0, 1.0);
  const qmf::BackwardDerivative g(*phi, s.surrogate);
  std::vector<NetMeasurement> weights, grams;
  for (int r = 0; r < nets; ++r) {
    weights.push_back(qmf::simulation::measure_random_net(*phi, g, s, r));
    grams.push_back(qmf::simulation::measure_gram_net(*phi, g, s, r, gram));
  }
  const int count = comparisons_per_case * static_cast<int>(cases.size());
  double smallest = 1.0;
  auto compare = [&](auto value) {
    std::vector<double> x, y;
    for (const auto& m : weights) x.push_back(value(m));
    for (const auto& m : grams) y.push_back(value(m));
    smallest = std::min(smallest, ks_p_value(x, y));
  };
  for (int l = 1; l <= depth; ++l) {
    compare([l](const NetMeasurement& m) { return m.q[l]; });
    compare([l](const NetMeasurement& m) { return m.c[l]; });
    if (backward) compare([l](const NetMeasurement& m) { return m.grad[l - 1]; });
  }
  return std::min(1.0, smallest * count);
}

}  // namespace

TEST_CASE("Gram and weight nets have the same per-layer distributions", "[gram]") {
  // 6 cases x 18 comparisons at family-wise level 1e-3 (Bonferroni).
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.act << " at width " << c.width) {
      const double p = adjusted_p_value(c, {}, true);
      INFO("Bonferroni-adjusted smallest KS p-value " << p);
      CHECK(p > family_wise_level);
    }
  }
}

TEST_CASE("the distribution test rejects a Gram covariance 1 + 1/n too large", "[gram]") {
  // The same family, the same level: the deliberately wrong layer is caught at
  // the narrow width, where 1/n is large enough to show over 600 nets.
  for (const Case& c : {cases[0], cases[2], cases[4]}) {
    DYNAMIC_SECTION(c.act << " at width " << c.width) {
      GramOptions wrong;
      wrong.covariance_scale = 1.0 + 1.0 / c.width;
      const double p = adjusted_p_value(c, wrong, true);
      INFO("Bonferroni-adjusted smallest KS p-value " << p);
      CHECK(p < family_wise_level);
    }
  }
}

TEST_CASE("the distribution test rejects a Gram covariance one layer late", "[gram]") {
  for (const Case& c : {cases[0], cases[2], cases[4]}) {
    DYNAMIC_SECTION(c.act << " at width " << c.width) {
      GramOptions wrong;
      wrong.previous_layer_covariance = true;
      const double p = adjusted_p_value(c, wrong, false);
      INFO("Bonferroni-adjusted smallest KS p-value " << p);
      CHECK(p < family_wise_level);
    }
  }
}
