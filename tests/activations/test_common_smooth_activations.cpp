// gelu, silu, sigmoid, softplus, leaky_relu, elu and selu (issue 13): spot
// values, derivatives against finite differences, every Gaussian moment
// against Monte Carlo, and leaky relu's closed forms against the generic
// quadrature.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/smooth_activation.hpp"
#include "quadrature_twin.hpp"

namespace {

const std::vector<std::string> specs = {
    "gelu", "silu", "sigmoid", "softplus", "leaky_relu,a=0.2", "elu,a=1.5", "selu"};

// Monte Carlo mean and its standard error of f over n draws.
struct Estimate {
  double mean = 0.0;
  double se = 0.0;
};

template <class F>
Estimate monte_carlo(F f, int n, std::mt19937_64& rng) {
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = f(rng);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  return {mean, std::sqrt((sum2 / n - mean * mean) / (n - 1))};
}

// |exact - estimate| within 5 standard errors (a 6e-7 chance of a false
// alarm per check for a Gaussian error) plus rounding.
void check_within(double exact, const Estimate& e) {
  INFO("exact " << exact << ", Monte Carlo " << e.mean << " +- " << e.se);
  CHECK(std::fabs(exact - e.mean) <= 5.0 * e.se + 1e-12);
}

}  // namespace

TEST_CASE("spot values of the common smooth activations", "[common_smooth]") {
  // Reference values from their definitions (Phi(1) = 0.841344746068543,
  // sigmoid(1) = 0.731058578630005, ...), to 1e-15.
  CHECK(qmf::make_activation("gelu")->value(1.0) == Approx(0.8413447460685429).epsilon(1e-15));
  CHECK(qmf::make_activation("gelu")->value(-1.0) == Approx(-0.15865525393145707).epsilon(1e-15));
  CHECK(qmf::make_activation("silu")->value(1.0) == Approx(0.7310585786300049).epsilon(1e-15));
  CHECK(qmf::make_activation("sigmoid")->value(0.0) == 0.5);
  CHECK(qmf::make_activation("sigmoid")->value(-800.0) == 0.0);  // no overflow
  CHECK(qmf::make_activation("softplus")->value(0.0) == Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(qmf::make_activation("softplus")->value(800.0) == 800.0);
  CHECK(qmf::make_activation("leaky_relu,a=0.1")->value(-2.0) == Approx(-0.2).epsilon(1e-15));
  CHECK(qmf::make_activation("leaky_relu")->spec() == "leaky_relu,a=0.01");
  CHECK(qmf::make_activation("elu")->value(-1.0) == Approx(std::exp(-1.0) - 1.0).epsilon(1e-15));
  CHECK(qmf::make_activation("elu")->spec() == "elu,a=1");
  CHECK(qmf::make_activation("selu")->value(1.0) == Approx(1.0507009873554805).epsilon(1e-15));
  CHECK(qmf::make_activation("selu")->value(-1.0) ==
        Approx(1.0507009873554805 * 1.6732632423543772 * (std::exp(-1.0) - 1.0)).epsilon(1e-15));
}

TEST_CASE("derivatives agree with central differences", "[common_smooth]") {
  // h = 1e-5: truncation h^2 phi''' ~ 1e-10, rounding 1e-16 / h ~ 1e-11.
  const double h = 1e-5;
  for (const auto& spec : specs) {
    const auto phi = qmf::make_activation(spec);
    for (double x : {-3.0, -0.7, 0.4, 2.5}) {
      INFO(spec << " at x = " << x);
      const double difference = (phi->value(x + h) - phi->value(x - h)) / (2.0 * h);
      CHECK(phi->derivative(x) == Approx(difference).epsilon(1e-8).margin(1e-9));
    }
  }
}

TEST_CASE("Gaussian moments agree with Monte Carlo", "[common_smooth]") {
  std::mt19937_64 rng(20261129);
  std::normal_distribution<double> z;
  const int n = 200000;
  const double q = 1.7, c = 0.6, q2 = 0.8;
  for (const auto& spec : specs) {
    INFO(spec);
    const auto phi = qmf::make_activation(spec);
    const double s = std::sqrt(q), s2 = std::sqrt(q2);
    // A pair (u1, u2) with variances q, q2 and correlation c.
    auto pair = [&](std::mt19937_64& r) {
      const double z1 = z(r), z2 = z(r);
      return std::pair{s * z1, s2 * (c * z1 + std::sqrt(1.0 - c * c) * z2)};
    };
    auto equal_pair = [&](std::mt19937_64& r) {
      const double z1 = z(r), z2 = z(r);
      return std::pair{s * z1, s * (c * z1 + std::sqrt(1.0 - c * c) * z2)};
    };
    check_within(phi->mean(q), monte_carlo([&](auto& r) { return phi->value(s * z(r)); }, n, rng));
    check_within(phi->second_moment(q), monte_carlo(
                                            [&](auto& r) {
                                              const double v = phi->value(s * z(r));
                                              return v * v;
                                            },
                                            n, rng));
    check_within(phi->derivative_second_moment(q), monte_carlo(
                                                       [&](auto& r) {
                                                         const double d = phi->derivative(s * z(r));
                                                         return d * d;
                                                       },
                                                       n, rng));
    check_within(phi->input_moment(q), monte_carlo(
                                           [&](auto& r) {
                                             const double u = s * z(r);
                                             return u * phi->value(u);
                                           },
                                           n, rng));
    check_within(phi->cross_moment(q, c), monte_carlo(
                                              [&](auto& r) {
                                                const auto [u1, u2] = equal_pair(r);
                                                return phi->value(u1) * phi->value(u2);
                                              },
                                              n, rng));
    check_within(phi->cross_moment_slope(q, c) / q, monte_carlo(
                                                        [&](auto& r) {
                                                          const auto [u1, u2] = equal_pair(r);
                                                          return phi->derivative(u1) *
                                                                 phi->derivative(u2);
                                                        },
                                                        n, rng));
    check_within(phi->cross_moment_unequal(q, q2, c), monte_carlo(
                                                          [&](auto& r) {
                                                            const auto [u1, u2] = pair(r);
                                                            return phi->value(u1) * phi->value(u2);
                                                          },
                                                          n, rng));
    check_within(phi->derivative_cross_moment(q, q2, c), monte_carlo(
                                                             [&](auto& r) {
                                                               const auto [u1, u2] = pair(r);
                                                               return phi->derivative(u1) *
                                                                      phi->derivative(u2);
                                                             },
                                                             n, rng));
  }
}

TEST_CASE("leaky relu's closed forms equal the generic quadrature", "[common_smooth]") {
  // The closed forms are relu's arc-cosine kernel plus a linear part; the
  // quadrature knows only value() and derivative(). 1e-12: qmf's promise for
  // its Gaussian expectations.
  for (double a : {0.0, 0.01, 0.3}) {
    const auto closed = qmf::make_activation("leaky_relu,a=" + std::to_string(a));
    const qmf::testing::QuadratureTwin quadrature(*closed, {0.0});
    for (double q : {0.05, 1.0, 30.0}) {
      qmf::testing::check_moments(*closed, quadrature, q);
      for (double c : {-0.9, 0.0, 0.5, 0.999, 1.0 - 1e-9})
        qmf::testing::check_correlation_integrals(*closed, quadrature, q, c, 1e-12, 1e-10);
    }
  }
}

TEST_CASE("spec errors of the common smooth activations", "[common_smooth]") {
  for (const char* bad : {"gelu:2", "gelu,a=1", "leaky_relu:0.1", "leaky_relu,a=-1",
                          "leaky_relu,b=1", "elu,a=nan", "uniform:8", "swish"})
    CHECK_THROWS_AS(qmf::make_activation(bad), std::invalid_argument);
  try {
    qmf::make_activation("uniform:8");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("unknown activation 'uniform'") != std::string::npos);
    CHECK(std::string(e.what()).find("quant:N") != std::string::npos);
  }
}

namespace {

// Whether E[phi(sqrt(q) z)^2] never falls, to quadrature rounding, from
// q = 1e-4 to 1e4 in steps of 5 %.
bool second_moment_never_decreases(const qmf::Activation& phi) {
  double previous = phi.second_moment(1e-4);
  for (double q = 1.05e-4; q <= 1e4; q *= 1.05) {
    const double next = phi.second_moment(q);
    if (next < previous * (1.0 - 1e-13)) return false;
    previous = next;
  }
  return true;
}

// exp(-x^2): E[phi^2] = 1 / sqrt(1 + 4 q) falls with q. A decoy that claims otherwise.
class FallingSquare final : public qmf::SmoothActivation {
 public:
  [[nodiscard]] bool second_moment_grows() const override { return true; }
  [[nodiscard]] std::string spec() const override { return "exp(-x^2)"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override { return std::exp(-x * x); }
  [[nodiscard]] double derivative(double x) const override { return -2.0 * x * std::exp(-x * x); }
};

}  // namespace

TEST_CASE("an activation that declares a growing second moment has one", "[common_smooth]") {
  // second_moment_grows() lets the length map skip following its iterates
  // (nearest fixed point in the flow direction): a wrong claim would pick the
  // wrong fixed point, so every built-in claim is checked on a wide q grid.
  std::vector<std::string> all = specs;
  for (const char* more : {"tanh", "erf", "relu", "hardtanh", "linear", "sign", "quant:16"})
    all.emplace_back(more);
  int claims = 0;
  for (const auto& spec : all) {
    const auto phi = qmf::make_activation(spec);
    if (!phi->second_moment_grows()) continue;
    ++claims;
    INFO(spec);
    CHECK(second_moment_never_decreases(*phi));
  }
  CHECK(claims == 14);  // every activation above claims it
  // The check itself catches a false claim.
  const FallingSquare decoy;
  CHECK(decoy.second_moment_grows());
  CHECK_FALSE(second_moment_never_decreases(decoy));
}

TEST_CASE("gelu's closed forms equal the generic quadrature", "[common_smooth]") {
  // gelu_kernel.cpp against 1-D and 2-D adaptive quadrature of x Phi(x) and
  // its derivative. 1e-12 as for leaky relu; the deficit's 1e-10 allows the
  // quadrature's own error where 1 - c is 1e-9. q = 1e4 is where the Hermite
  // series no longer applies and the closed forms are the only fast route.
  const auto closed = qmf::make_activation("gelu");
  const qmf::testing::QuadratureTwin quadrature(*closed, {});
  for (double q : {0.05, 1.0, 30.0, 1e4}) {
    qmf::testing::check_moments(*closed, quadrature, q);
    for (double c : {-0.9, 0.0, 0.5, 0.5000001, 0.999, 1.0 - 1e-9})
      qmf::testing::check_correlation_integrals(*closed, quadrature, q, c, 1e-12, 1e-10);
  }
}

TEST_CASE("gelu's kernels at large variance", "[common_smooth]") {
  // As q -> inf, gelu(sqrt(q) z) / sqrt(q) -> relu(z) and the kernels tend to
  // relu's arc-cosine kernels, with corrections of relative order 1/sqrt(q)
  // (and rounding, 1e-13 with the digits that c = -0.5 costs).
  // At q = 1e200 nothing may overflow on the way.
  const auto gelu = qmf::make_activation("gelu");
  const auto relu = qmf::make_activation("relu");
  for (double q : {1e12, 1e200}) {
    for (double c : {-0.5, 0.3, 0.99, 1.0 - 1e-12}) {
      INFO("q = " << q << ", c = " << c);
      const double tolerance = 10.0 / std::sqrt(q) + 1e-13;
      CHECK(gelu->cross_moment(q, c) == Approx(relu->cross_moment(q, c)).epsilon(tolerance));
      CHECK(gelu->cross_moment_deficit(q, c) ==
            Approx(relu->cross_moment_deficit(q, c)).epsilon(tolerance));
      CHECK(gelu->cross_moment_slope(q, c) ==
            Approx(relu->cross_moment_slope(q, c)).epsilon(tolerance));
      CHECK(gelu->derivative_cross_moment(q, 3.0 * q, c) ==
            Approx(relu->derivative_cross_moment(q, 3.0 * q, c)).epsilon(tolerance));
    }
    CHECK(gelu->second_moment_slope(q) == Approx(0.5).epsilon(10.0 / std::sqrt(q) + 1e-13));
  }
}
