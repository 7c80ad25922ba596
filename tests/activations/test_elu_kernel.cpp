// elu and selu's correlation integrals in closed form (elu_kernel.cpp,
// elu_orthants.cpp) against the generic quadrature: on both sides of c = 0
// (the library's orthant for c < 0, Mills ratios at c = 0, the angle routes
// for c > 0), next to c = 1 where the angle keeps the digits, by Owen's T
// (q sin^2 t <= 2) and by Plackett's integral beyond (q = 11 at c = 0.3, and
// q = 999, where e^(2q) would overflow Owen's route), and where the closed
// forms hand over to conditioning on u1 (c < 0 at q > 2; unequal variances at
// large q). The Monte Carlo test of test_common_smooth_activations.cpp and
// the mpmath fixed points of tests/reference are the other two routes.
#include <catch2/catch.hpp>

#include "qmf/activations/activation.hpp"
#include "quadrature_twin.hpp"

TEST_CASE("elu and selu closed forms equal the generic quadrature", "[elu_kernel]") {
  // 1e-12: qmf's promise for its Gaussian expectations. Measured: 1.4e-14 at
  // most (q = 10^-3 ... 10^6, c = -0.99 ... 1 - 10^-11).
  for (const char* spec : {"elu,a=0.5", "elu", "selu", "elu,a=100"}) {
    const auto closed = qmf::make_activation(spec);
    const qmf::testing::QuadratureTwin quadrature(*closed, {0.0});
    for (double q : {0.001, 1.0, 11.0, 999.0})
      for (double c : {-0.99, 0.0, 0.3, 0.9999, 1.0 - 1e-9, 1.0 - 1e-13})
        qmf::testing::check_correlation_integrals(*closed, quadrature, q, c, 1e-12, 1e-12);
  }
}

TEST_CASE("elu's derivative second moment in closed form", "[elu_kernel]") {
  // E[phi'^2] = s^2 (1/2 + a^2 e^(2q) Phi(-2 sqrt q)); at q = 1/2 with a = 1:
  // 1/2 + e Phi(-sqrt 2) = 0.7137917880779035022 (mpmath, 30 digits).
  CHECK(qmf::make_activation("elu")->derivative_second_moment(0.5) ==
        Approx(0.7137917880779035).epsilon(2e-16));
  for (const char* spec : {"elu,a=0.5", "selu"}) {
    const auto closed = qmf::make_activation(spec);
    const qmf::testing::QuadratureTwin quadrature(*closed, {0.0});
    for (double q : {0.001, 1.0, 30.0, 2000.0}) {
      INFO(spec << " at q = " << q);
      CHECK(closed->derivative_second_moment(q) ==
            Approx(quadrature.derivative_second_moment(q)).epsilon(1e-13));
    }
  }
}
