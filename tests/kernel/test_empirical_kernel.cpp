// Empirical NNGP and NTK Gram matrices of sampled finite nets
// (qmf/kernel/empirical_kernel.hpp) against the infinite-width kernels, and
// kernel ridge regression (qmf/kernel/kernel_regression.hpp) against a direct
// solve.
//
// Tolerances: an entry of an empirical Gram is an average over the n units of
// a layer, so it fluctuates by O(K / sqrt(n)) per layer: for two-unit
// products of Gaussian features Var(x_i x_j) = q_i q_j + K_ij^2 <= 2 q^2, so
// one layer contributes a relative error of about sqrt(2 / n), and L - 1
// hidden layers about sqrt(2 (L - 1) / n) in the NNGP; the NTK sums L such
// terms times products of backward factors, about twice that. The bounds
// below are 3x these estimates (one net; a relative Frobenius error averages
// many entries, so it sits well below the per-entry bound).
#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "kernel/smoothed_derivative.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/empirical_kernel.hpp"
#include "qmf/kernel/kernel_regression.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace {

Eigen::MatrixXd random_sphere_inputs(int dim, int count, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(dim, count);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = normal(rng);
  // A shared direction gives the pairs cosines spread over (-0.2, 0.9).
  x.colwise() += 0.8 * x.col(0);
  return qmf::project_to_sphere(x, 1.0);
}

// The analytic NNGP (nngp = true) or NTK Gram of Gaussian-weight nets.
qmf::DotProductKernel analytic(const qmf::Activation& phi, qmf::Initialization init, int depth,
                               const qmf::DerivativeKernel& derivative, bool nngp) {
  return [&phi, init, depth, &derivative, nngp](std::span<const double> t) {
    std::vector<double> out;
    for (const auto& v : qmf::kernel_on_grid(phi, init, 1.0, t, depth, derivative))
      out.push_back(nngp ? v.nngp : v.ntk);
    return out;
  };
}

struct Errors {
  double nngp, ntk;
};

Errors errors_at(const qmf::Activation& phi, qmf::Initialization init, int depth, int width,
                 const qmf::DerivativeKernel& derivative, const Eigen::MatrixXd& x,
                 qmf::TangentParameters parameters = qmf::TangentParameters::ntk) {
  const auto gram = qmf::empirical_gram(phi, init, derivative, x, depth, width, 7, parameters);
  return {
      qmf::relative_frobenius_error(
          gram.nngp, qmf::dot_product_gram(analytic(phi, init, depth, derivative, true), x, x)),
      qmf::relative_frobenius_error(
          gram.ntk, qmf::dot_product_gram(analytic(phi, init, depth, derivative, false), x, x))};
}

}  // namespace

TEST_CASE("empirical NNGP and NTK of wide nets converge to the analytic kernels",
          "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(64, 24, 1);
  const int depth = 3;
  for (const char* spec : {"relu", "erf"}) {
    const auto phi = qmf::make_activation(spec);
    const qmf::Initialization init{std::string(spec) == "relu" ? 2.0 : 1.5, 0.1};
    const qmf::DerivativeKernel derivative(*phi);
    const Errors wide = errors_at(*phi, init, depth, 2048, derivative, x);
    const Errors narrow = errors_at(*phi, init, depth, 128, derivative, x);
    const double nngp_bound = 3.0 * std::sqrt(2.0 * (depth - 1) / 2048.0);
    INFO(spec << " width 2048: nngp " << wide.nngp << " ntk " << wide.ntk << " (bound "
              << nngp_bound << ", ntk " << 2 * nngp_bound << "); width 128: nngp " << narrow.nngp
              << " ntk " << narrow.ntk);
    CHECK(wide.nngp < nngp_bound);
    CHECK(wide.ntk < 2.0 * nngp_bound);
    // n^(-1/2): 16 times the width, about a quarter of the error (one net each,
    // so allow a factor 2 either way).
    CHECK(narrow.ntk / wide.ntk > 2.0);
    CHECK(narrow.ntk / wide.ntk < 8.0);
  }
}

TEST_CASE("the standard parameterisation's tangent kernel is not the analytic NTK",
          "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(64, 24, 2);
  const auto phi = qmf::make_activation("relu");
  const qmf::DerivativeKernel derivative(*phi);
  const Errors wrong =
      errors_at(*phi, {2.0, 0.1}, 3, 2048, derivative, x, qmf::TangentParameters::standard);
  CHECK(wrong.ntk > 0.5);  // the NNGP does not depend on it
  CHECK(wrong.nngp < 3.0 * std::sqrt(4.0 / 2048.0));
}

TEST_CASE("the STE tangent kernel of sign nets converges to the STE NTK", "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(64, 24, 3);
  const auto phi = qmf::make_activation("sign");
  const qmf::Initialization init{1.0, 0.1};
  const qmf::DerivativeKernel ste(*phi, qmf::StraightThrough{1.3, 1.0});
  const Errors e = errors_at(*phi, init, 3, 2048, ste, x);
  INFO("nngp " << e.nngp << " ntk " << e.ntk);
  CHECK(e.nngp < 3.0 * std::sqrt(4.0 / 2048.0));
  CHECK(e.ntk < 6.0 * std::sqrt(4.0 / 2048.0));
  // With the true derivative (zero) the NTK keeps only the readout: the STE
  // net's tangent kernel is far from it.
  const qmf::DerivativeKernel exact(*phi);
  const auto gram = qmf::empirical_gram(*phi, init, ste, x, 3, 2048, 7);
  CHECK(qmf::relative_frobenius_error(
            gram.ntk, qmf::dot_product_gram(analytic(*phi, init, 3, exact, false), x, x)) > 0.3);
}

namespace {

// The quasi network's NNGP (nngp = true) or NTK Gram.
Eigen::MatrixXd quasi_gram(const qmf::Activation& phi, qmf::Initialization init, int depth,
                           const qmf::QuasiNetwork& net, const Eigen::MatrixXd& x, bool nngp) {
  return qmf::dot_product_gram(
      [&](std::span<const double> t) {
        std::vector<double> k;
        for (const auto& v : qmf::quasi_kernel_on_grid(phi, init, 1.0, t, depth, net))
          k.push_back(nngp ? v.nngp : v.ntk);
        return k;
      },
      x, x);
}

}  // namespace

TEST_CASE("stochastic binary nets' NNGP and NTK converge to the quasi network's",
          "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(200, 16, 4);
  const qmf::Initialization init{1.0, 0.1};
  const qmf::QuasiNetwork net =
      qmf::quasi_network(qmf::parse_weight_spec("binary,rounding=stochastic-per-example"));
  for (const char* spec : {"sign", "relu", "quant:4"}) {
    const auto phi = qmf::make_activation(spec);
    const int depth = 3, width = 4096;
    const auto gram =
        qmf::stochastic_binary_gram(*phi, init, net.weights.covariance, x, depth, width, 11);
    const auto narrow =
        qmf::stochastic_binary_gram(*phi, init, net.weights.covariance, x, depth, 128, 11);
    const Eigen::MatrixXd nngp = quasi_gram(*phi, init, depth, net, x, true);
    const Eigen::MatrixXd ntk = quasi_gram(*phi, init, depth, net, x, false);
    const double e_nngp = qmf::relative_frobenius_error(gram.nngp, nngp);
    const double e_ntk = qmf::relative_frobenius_error(gram.ntk, ntk);
    const double e_ntk_narrow = qmf::relative_frobenius_error(narrow.ntk, ntk);
    INFO(spec << ": nngp " << e_nngp << ", ntk " << e_ntk << ", ntk at width 128 " << e_ntk_narrow);
    // The NTK bound is the NNGP's (measured at 2048: sign 0.054, relu 0.021,
    // quant:4 0.033): backprop through |Q| = 1 instead of theta (E[Q^2] = 1 in
    // place of s, what an STE on the weights does) gave sign 0.128 at 2048,
    // a bias that does not fall with n, and fails it at 4096.
    const double bound = 3.0 * std::sqrt(2.0 * (depth - 1) / width);
    CHECK(e_nngp < bound);
    CHECK(e_ntk < bound);
    CHECK(e_ntk_narrow / e_ntk > 2.5);  // n^(-1/2): 32x the width, ~5.7x smaller
    // The diagonal pairs two independent draws: the second moment q^L of one
    // draw there (the nugget v) is visibly further off.
    Eigen::MatrixXd nugget = nngp;
    nugget.diagonal().setConstant(qmf::quasi_states(*phi, init, 1.0, 1.0, depth, net).back().q);
    CHECK(qmf::relative_frobenius_error(gram.nngp, nugget) > 2.0 * e_nngp);
  }
}

TEST_CASE("smoothed slopes psi'(mu; v) against closed forms", "[empirical_kernel]") {
  const double v = 0.7;
  for (const double mu : {-1.5, -0.2, 0.0, 0.9, 2.5}) {
    const auto sign = qmf::make_activation("sign");
    const auto relu = qmf::make_activation("relu");
    const auto tanh = qmf::make_activation("tanh");
    // sign: 2 N(0; mu, v); relu: Phi(mu / sqrt(v)); tanh: adaptive quadrature
    // of E[phi'(mu + sqrt(v) z)], an independent route to Stein's form.
    CHECK(qmf::SmoothedDerivative(*sign)(mu, v) ==
          Approx(2.0 * std::exp(-mu * mu / (2 * v)) / std::sqrt(2 * M_PI * v)).epsilon(1e-13));
    // 64 Gauss-Hermite nodes across relu's kink: measured errors up to 1.2e-3,
    // far below the sampling error (>= 1.5e-2 at n <= 4096) it is used beside.
    CHECK(qmf::SmoothedDerivative(*relu)(mu, v) ==
          Approx(0.5 * std::erfc(-mu / std::sqrt(2 * v))).margin(2e-3));
    const double expected = qmf::gaussian_expectation(
        [&](double z) { return tanh->derivative(mu + std::sqrt(v) * z); });
    CHECK(qmf::SmoothedDerivative(*tanh)(mu, v) == Approx(expected).epsilon(1e-10));
  }
}

TEST_CASE("tabulated dot-product Gram matches direct evaluation", "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(30, 12, 5);
  const auto phi = qmf::make_activation("sign");
  const qmf::DerivativeKernel derivative(*phi);
  const auto kernel = analytic(*phi, {1.0, 0.0}, 2, derivative, true);
  const Eigen::MatrixXd table = qmf::dot_product_gram(kernel, x, x);
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double t =
          std::clamp(x.col(i).dot(x.col(j)) / x.col(i).norm() / x.col(j).norm(), -1.0, 1.0);
      // (pi / 4096)^2 times a second derivative of order one in the angle.
      CHECK(table(i, j) == Approx(kernel(std::span(&t, 1)).front()).margin(1e-6));
    }
}

TEST_CASE("kernel ridge regression against a direct solve", "[empirical_kernel]") {
  const Eigen::MatrixXd x = random_sphere_inputs(10, 40, 6);
  const auto phi = qmf::make_activation("relu");
  const qmf::DerivativeKernel derivative(*phi);
  const Eigen::MatrixXd k =
      qmf::dot_product_gram(analytic(*phi, {2.0, 0.0}, 2, derivative, false), x, x);
  std::vector<std::uint8_t> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(static_cast<std::uint8_t>(x(0, i) > 0.0));
  const Eigen::MatrixXd y = qmf::one_hot(labels, 2);
  const double ridge = 1e-3;
  const Eigen::MatrixXd alpha = qmf::ridge_coefficients(k, y, ridge);
  const Eigen::MatrixXd direct =
      (k + ridge * Eigen::MatrixXd::Identity(40, 40)).fullPivLu().solve(y);
  CHECK((alpha - direct).norm() < 1e-9 * direct.norm());
  // A small ridge interpolates: training accuracy 1.
  CHECK(qmf::classification_accuracy(k * alpha, labels) == 1.0);
  CHECK_THROWS_AS(qmf::ridge_coefficients(-k, y, 0.0), qmf::numerical_error);
  CHECK_THROWS_AS(qmf::ridge_coefficients(k, y, -1.0), std::invalid_argument);
}

TEST_CASE("empirical kernels reject bad input", "[empirical_kernel]") {
  const auto phi = qmf::make_activation("relu");
  const qmf::DerivativeKernel derivative(*phi);
  const Eigen::MatrixXd x = random_sphere_inputs(5, 3, 7);
  CHECK_THROWS_WITH(qmf::empirical_gram(*phi, {1.0, 0.0}, derivative, x, 0, 8, 1),
                    Catch::Matchers::StartsWith("depth"));
  CHECK_THROWS_WITH(qmf::empirical_gram(*phi, {1.0, 0.0}, derivative, x, 2, 0, 1),
                    Catch::Matchers::StartsWith("width"));
  CHECK_THROWS_WITH(qmf::project_to_sphere(Eigen::MatrixXd::Zero(3, 2), 1.0),
                    Catch::Matchers::StartsWith("inputs"));
}
