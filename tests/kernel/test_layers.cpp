// Kernel layers (qmf/kernel/layers.hpp): the full state against the equal-norm
// components the maps use, inputs of unequal norm against independent routes,
// the NTK recursion against the arc-cosine closed forms, per-example weight
// noise against the linear net's exact maps, and field-named errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "qmf/activations/smooth_activation.hpp"
#include "qmf/kernel/maps.hpp"

using qmf::Dense;
using qmf::KernelState;
using qmf::LayerMap;

namespace {

constexpr double pi = 3.14159265358979323846;

// A built-in activation seen only through value() and derivative(): every
// moment then comes from the generic quadrature of SmoothActivation, a route
// that shares no code with the closed forms.
class QuadratureOnly final : public qmf::SmoothActivation {
 public:
  explicit QuadratureOnly(const qmf::Activation& inner) : inner_(inner) {}
  [[nodiscard]] std::string spec() const override { return inner_.spec() + " by quadrature"; }
  [[nodiscard]] double bound() const override { return inner_.bound(); }
  [[nodiscard]] double value(double x) const override { return inner_.value(x); }
  [[nodiscard]] double derivative(double x) const override { return inner_.derivative(x); }

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {-1.0, 0.0, 1.0}; }

 private:
  const qmf::Activation& inner_;
};

// E[phi(u1) phi(u2)] for Var u_i = q_i, correlation c, by Monte Carlo: mean and
// standard error.
std::pair<double, double> monte_carlo_cross(const qmf::Activation& phi, double q1, double q2,
                                            double c, long samples) {
  std::mt19937_64 engine(12345);
  std::normal_distribution<double> normal;
  double sum = 0.0;
  double squares = 0.0;
  for (long i = 0; i < samples; ++i) {
    const double z1 = normal(engine);
    const double z2 = c * z1 + std::sqrt(1.0 - c * c) * normal(engine);
    const double x = phi.value(std::sqrt(q1) * z1) * phi.value(std::sqrt(q2) * z2);
    sum += x;
    squares += x * x;
  }
  const double mean = sum / samples;
  return {mean, std::sqrt((squares / samples - mean * mean) / (samples - 1))};
}

}  // namespace

TEST_CASE("a layer's full state agrees with its equal-norm components") {
  // The state stores q c and q (1 - c), not c, so the correlation it hands
  // the activation can differ from c in the last bit: 1e-14, not bitwise.
  for (const char* spec : {"quant:16", "tanh", "erf", "relu", "sign"}) {
    const auto phi = qmf::make_activation(spec);
    const LayerMap map(*phi, Dense({1.7, 0.0}, 0.05));
    for (double c : {-0.4, 0.3, 0.999}) {
      INFO(spec << ", c = " << c);
      const KernelState next = map(KernelState::equal_norms(1.3, c));
      CHECK(next.q1 == map.length(1.3));
      CHECK(next.q2 == next.q1);
      CHECK(next.q12 == Approx(map.covariance(1.3, c)).epsilon(1e-14));
      CHECK(next.gap / next.q1 == Approx(map.correlation_complement(1.3, c)).epsilon(1e-14));
    }
  }
}

TEST_CASE("unequal norms: closed forms against the generic quadrature to 1e-11") {
  // The closed forms (erf's arcsine, relu's arc-cosine, linear) and the 2-D
  // adaptive quadrature are independent routes; the quadrature's promise is
  // ~1e-12 relative.
  for (const char* spec : {"erf", "relu", "linear"}) {
    const auto closed = qmf::make_activation(spec);
    const QuadratureOnly quadrature(*closed);
    for (double c : {-0.7, 0.0, 0.5, 0.99}) {
      INFO(spec << ", c = " << c);
      CHECK(closed->cross_moment_unequal(0.3, 2.5, c) ==
            Approx(quadrature.cross_moment_unequal(0.3, 2.5, c)).epsilon(1e-11).margin(1e-14));
      CHECK(closed->derivative_cross_moment(0.3, 2.5, c) ==
            Approx(quadrature.derivative_cross_moment(0.3, 2.5, c)).epsilon(1e-11));
    }
    CHECK(closed->input_moment(0.7) == Approx(quadrature.input_moment(0.7)).epsilon(1e-12));
    CHECK(closed->stein_log_slope(0.7) == Approx(quadrature.stein_log_slope(0.7)).epsilon(1e-11));
  }
}

TEST_CASE("unequal norms: step activations against Monte Carlo within 5 standard errors") {
  // Orthant sums with per-input thresholds; 4e5 samples give a standard error
  // of ~1.5e-3, and 5 SE keeps a false alarm below 1e-6 per comparison.
  for (const char* spec : {"quant:4", "sign", "steps:t=-0.5;1,y=0;1;3"}) {
    const auto phi = qmf::make_activation(spec);
    for (double c : {-0.5, 0.2, 0.9}) {
      const auto [mean, se] = monte_carlo_cross(*phi, 0.4, 2.0, c, 400000);
      INFO(spec << ", c = " << c << ": exact " << phi->cross_moment_unequal(0.4, 2.0, c)
                << ", Monte Carlo " << mean << " +- " << se);
      CHECK(std::fabs(phi->cross_moment_unequal(0.4, 2.0, c) - mean) <= 5.0 * se);
    }
    // Continuity into the equal-norm route (Owen's T with shared thresholds).
    CHECK(phi->cross_moment_unequal(1.0, 1.0 + 1e-9, 0.3) ==
          Approx(phi->cross_moment(1.0, 0.3)).epsilon(1e-8));
  }
}

TEST_CASE("the NTK of a deep relu net follows the arc-cosine recursion") {
  // Independent closed forms: with t = acos(c), the relu kernel is
  // sqrt(q1 q2) (sin t + (pi - t) cos t) / (2 pi) and its derivative kernel
  // (pi - t) / (2 pi); Theta' = Sigma' + sw2 kappa0 Theta.
  const auto phi = qmf::make_activation("relu");
  const double sw2 = 2.0;
  const double sb2 = 0.1;
  const LayerMap map(*phi, Dense({sw2, 0.0}, sb2));
  KernelState input = KernelState::with_norms(0.8, 1.9, 0.35);
  const auto states = qmf::propagate(map, input, 6);
  double q1 = 0.8, q2 = 1.9, q12 = 0.35 * std::sqrt(0.8 * 1.9);
  double t1 = 0.0, t2 = 0.0, t12 = 0.0;
  for (int l = 1; l <= 6; ++l) {
    const double t = std::acos(q12 / std::sqrt(q1 * q2));
    const double kappa1 = std::sqrt(q1 * q2) * (std::sin(t) + (pi - t) * std::cos(t)) / (2 * pi);
    const double kappa0 = (pi - t) / (2 * pi);
    t1 = sw2 * q1 / 2 + sb2 + sw2 * 0.5 * t1;
    t2 = sw2 * q2 / 2 + sb2 + sw2 * 0.5 * t2;
    t12 = sw2 * kappa1 + sb2 + sw2 * kappa0 * t12;
    q1 = sw2 * q1 / 2 + sb2;
    q2 = sw2 * q2 / 2 + sb2;
    q12 = sw2 * kappa1 + sb2;
    INFO("layer " << l);
    CHECK(states[l].q1 == Approx(q1).epsilon(1e-13));
    CHECK(states[l].q2 == Approx(q2).epsilon(1e-13));
    CHECK(states[l].q12 == Approx(q12).epsilon(1e-13));
    CHECK(states[l].ntk1 == Approx(t1).epsilon(1e-13));
    CHECK(states[l].ntk12 == Approx(t12).epsilon(1e-13));
    CHECK(states[l].correlation() == Approx(q12 / std::sqrt(q1 * q2)).epsilon(1e-13));
  }
}

TEST_CASE("series route: a layer of tanh, gelu, ... against the 2-D quadrature to 1e-11") {
  // Activations with a fast Hermite series take a layer's pair integrals
  // from it; QuadratureOnly (kinks declared, so no series) integrates the
  // same phi in two dimensions, an independent route. Both promise ~1e-12;
  // the complement and the slope are compared relative to themselves, also
  // where 1 - c is 1e-12 and the deficit as small. At q = 100 the series is
  // not certified and the layer falls back to the quadrature.
  for (const char* spec : {"tanh", "sigmoid", "gelu", "silu", "softplus"}) {
    const auto phi = qmf::make_activation(spec);
    const QuadratureOnly reference(*phi);
    const Dense dense({1.7, 0.0}, 0.05);
    const LayerMap map(*phi, dense), slow(reference, dense);
    for (const double q : {0.05, 1.3, 12.0, 100.0})
      for (const double c : {-0.6, 0.7, 1.0 - 1e-12}) {
        INFO(spec << ", q = " << q << ", c = " << c);
        CHECK(map.correlation_complement(q, c) ==
              Approx(slow.correlation_complement(q, c)).epsilon(1e-11));
        CHECK(map.correlation_slope(q, c) == Approx(slow.correlation_slope(q, c)).epsilon(1e-11));
        const KernelState in{q, q, q * c, q * (1.0 - c), 0.7, 0.7, 0.7 * c};
        const KernelState fast = map(in), quadrature = slow(in);
        CHECK(fast.gap == Approx(quadrature.gap).epsilon(1e-11));
        CHECK(fast.q12 == Approx(quadrature.q12).epsilon(1e-11).margin(1e-13 * fast.q1));
        CHECK(fast.ntk12 == Approx(quadrature.ntk12).epsilon(1e-11).margin(1e-13 * fast.ntk1));
      }
  }
}

TEST_CASE("per-example weight noise enters the variances but not the covariance") {
  // A linear layer's maps are exact: q' = (sw2 + nu) q + sb2, q12' = sw2 q12 + sb2.
  const auto phi = qmf::make_activation("linear");
  const double sw2 = 0.9, nu = 0.2, sb2 = 0.05, q = 1.4;
  const LayerMap map(*phi, Dense({sw2, nu}, sb2));
  for (double c : {0.1, 0.8, 1.0}) {
    const double q_next = (sw2 + nu) * q + sb2;
    const double c_next = (sw2 * q * c + sb2) / q_next;
    CHECK(map.length(q) == Approx(q_next).epsilon(1e-15));
    CHECK(map.correlation_complement(q, c) == Approx(1.0 - c_next).epsilon(1e-14));
  }
  // c = 1 is no longer a fixed point: identical inputs decorrelate.
  CHECK(map.correlation_complement(q, 1.0) == Approx(nu * q / ((sw2 + nu) * q + sb2)));
}

TEST_CASE("kernel states keep 1 - c without cancellation") {
  // 1 - c is exact in doubles for c near 1 (Sterbenz), so it is the reference.
  const double c = 1.0 - 1e-13;
  const KernelState equal = KernelState::equal_norms(2.0, c);
  CHECK(equal.correlation_complement() == Approx(1.0 - c).epsilon(1e-15));
  const double c_far = 1.0 - 1e-10;
  const KernelState unequal = KernelState::with_norms(2.0, 3.0, c_far);
  // The unequal-norm complement subtracts (sqrt q1 - sqrt q2)^2 / 2 ~ 0.025
  // from the gap: rounding 1e-17 of it leaves ~1e-7 relative of 1e-10.
  CHECK(unequal.correlation_complement() == Approx(1.0 - c_far).epsilon(1e-5));
  CHECK(unequal.correlation() == Approx(c_far).epsilon(1e-15));
}

TEST_CASE("bad layer parameters are named by field and value") {
  auto message = [](const qmf::Initialization& init) {
    try {
      qmf::validate(init);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({-1.0, 0.0}) == "sw2 must be a positive finite number (got -1)");
  CHECK(message({1.0, -0.5}) == "sb2 must be a non-negative finite number (got -0.5)");
  CHECK_THROWS_WITH(Dense({1.0, -1.0}, 0.0).validate(), Catch::StartsWith("weight noise"));
  const auto relu = qmf::make_activation("relu");
  CHECK_THROWS_WITH(qmf::iterate_maps(*relu, {1.0, 0.0}, 1.0, 2.0, 3),
                    "c0 must lie in [-1, 1] (got 2)");
}
