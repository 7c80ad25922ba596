// critical_initialisation: the one result that `qmf critical` and
// `qmf.critical` print. Checked against the two searches it wraps and against
// the scaling of the latent sigma_w^2 with the weight prior: a prior of
// variance v at latent sw2 is Gaussian weights at sw2 * v (theory.md 1.7).
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/critical_initialisation.hpp"

using namespace qmf;

TEST_CASE("critical_initialisation: a scaled prior rescales the latent sigma_w^2 only") {
  // Both searches return the latent sw2 of the total variance divided by the
  // prior's; every map-level quantity must be unchanged. 1e-12 relative: the
  // searches differ only by the division and its rounding.
  for (const std::string spec : {"quant:16", "lloyd:8", "tanh", "erf"}) {
    CAPTURE(spec);
    const auto phi = make_activation(spec);
    const double sb2 = 0.05;
    const auto gaussian = critical_initialisation(*phi, sb2, {}, 6.0);
    const auto scaled = critical_initialisation(*phi, sb2, {2.0, 0.0}, 6.0);
    CHECK(scaled.step == phi->is_step());
    CHECK(scaled.sw2 == Approx(gaussian.sw2 / 2.0).epsilon(1e-12));
    CHECK(scaled.sw2_effective == Approx(gaussian.sw2).epsilon(1e-12));
    CHECK(scaled.q_star == Approx(gaussian.q_star).epsilon(1e-12));
    CHECK(scaled.chi == Approx(gaussian.chi).epsilon(1e-12));
    CHECK(scaled.weight_noise == 0.0);
  }
}

TEST_CASE("critical_initialisation: step fields are the maximiser's, L_max = k xi") {
  const auto phi = make_activation("quant:16");
  const auto point = critical_initialisation(*phi, 0.0, {}, 4.0);
  const auto best = maximise_correlation_depth(*phi, 0.0);
  CHECK(point.step);
  CHECK(point.sw2 == best.sw2);
  CHECK(point.chi == best.chi_max);
  CHECK(point.xi == Approx(-1.0 / std::log(point.chi)).epsilon(1e-12));
  CHECK(point.l_max == Approx(4.0 * point.xi).epsilon(1e-15));
  // quant:16's thresholds are 2/15 apart (theory.md section 3.1).
  CHECK(point.dtilde == Approx((2.0 / 15.0) / std::sqrt(point.q_star)).epsilon(1e-14));
  // sign has a single threshold: no spacing.
  CHECK(std::isnan(critical_initialisation(*make_activation("sign"), 0.0, {}, 6.0).dtilde));
}

TEST_CASE("critical_initialisation: per-example noise is reported as its share of sw2") {
  const auto phi = make_activation("quant:4");
  const auto point = critical_initialisation(*phi, 0.0, {0.9, 0.1}, 6.0);
  CHECK(point.sw2_effective == Approx(point.sw2).epsilon(1e-15));
  CHECK(point.weight_noise == Approx(0.1 * point.sw2).epsilon(1e-15));
  CHECK(point.c_star < 1.0);
}

TEST_CASE("critical_initialisation: k must be positive and finite, named as k") {
  const auto phi = make_activation("tanh");
  for (const double k : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    CAPTURE(k);
    try {
      critical_initialisation(*phi, 0.05, {}, k);
      FAIL("accepted k");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).rfind("k must be", 0) == 0);
    }
  }
}
