// Backward pass of every layer type (input n x inputs, hidden n x n, read-out
// classes x n, and the biases) against finite differences for a smooth
// activation, and against the straight-through estimator's definition, written
// out independently here, for a step activation; and the loss against its
// closed form.
#include <catch2/catch.hpp>
#include <cmath>

#include "qmf/training/loss.hpp"
#include "simulation/normal_generator.hpp"

using namespace qmf;
using namespace qmf::training;

namespace {

const NetworkShape tiny{5, 4, 3, 3};  // 5 inputs, width 4, depth 3, 3 classes
constexpr int batch = 4;
const std::uint8_t labels[batch] = {0, 2, 1, 2};

Matrix<double> inputs() {
  Matrix<double> x(tiny.inputs, batch);
  simulation::NormalGenerator(99, 0, 0, simulation::Stream::inputs).fill(x.data(), x.size());
  return x;
}

double mean_loss(Network<double>& net, const Matrix<double>& x) {
  return softmax_cross_entropy(net.forward(x), labels, static_cast<Matrix<double>*>(nullptr)).loss /
         batch;
}

Parameters<double> analytic_gradient(Network<double>& net, const Matrix<double>& x) {
  Matrix<double> logit_gradient;
  softmax_cross_entropy(net.forward(x), labels, &logit_gradient);
  Parameters<double> gradient;
  net.backward(logit_gradient, gradient);
  return gradient;
}

}  // namespace

TEST_CASE("softmax cross-entropy matches its closed form") {
  Matrix<double> z(3, 1);
  z << 1.0, -2.0, 0.5;
  const std::uint8_t label = 2;
  Matrix<double> gradient;
  const BatchLoss loss = softmax_cross_entropy(z, &label, &gradient);
  const double sum = std::exp(1.0) + std::exp(-2.0) + std::exp(0.5);
  CHECK(loss.loss == Approx(std::log(sum) - 0.5).epsilon(1e-14));
  CHECK(loss.correct == 0);
  CHECK(gradient(0, 0) == Approx(std::exp(1.0) / sum).epsilon(1e-14));
  CHECK(gradient(2, 0) == Approx(std::exp(0.5) / sum - 1.0).epsilon(1e-14));
}

TEST_CASE("backward pass of a smooth net equals central finite differences") {
  const auto phi = make_activation("tanh");
  Network<double> net(tiny, *phi, {}, {1.5, 0.1}, 7);
  const Matrix<double> x = inputs();
  const Parameters<double> gradient = analytic_gradient(net, x);
  // h = 1e-5: truncation ~ h^2 |L'''| ~ 1e-10, rounding ~ 1e-16 / h ~ 1e-11;
  // 1e-8 leaves a margin of 100 and still catches any wrong term (~1e-2).
  constexpr double h = 1e-5;
  constexpr double tolerance = 1e-8;
  const auto check = [&](double& parameter, double analytic) {
    const double saved = parameter;
    parameter = saved + h;
    const double up = mean_loss(net, x);
    parameter = saved - h;
    const double down = mean_loss(net, x);
    parameter = saved;
    CHECK(std::abs((up - down) / (2 * h) - analytic) < tolerance);
  };
  auto& p = net.parameters();
  for (std::size_t l = 0; l < p.weights.size(); ++l) {
    for (Eigen::Index i = 0; i < p.weights[l].size(); ++i)
      check(p.weights[l].data()[i], gradient.weights[l].data()[i]);
    for (Eigen::Index i = 0; i < p.biases[l].size(); ++i)
      check(p.biases[l](i), gradient.biases[l](i));
  }
}

TEST_CASE("backward pass of a step net is the straight-through estimator") {
  const auto phi = make_activation("quant:4");
  const StraightThrough ste{0.7, 1.3};
  Network<double> net(tiny, *phi, ste, {2.0, 0.05}, 3);
  const Matrix<double> x = inputs();
  const Parameters<double> gradient = analytic_gradient(net, x);
  // The definition, element by element: h^l = W^l a^(l-1) + b^l, a^l = phi(h^l),
  // delta^L = softmax - onehot over the batch, delta^l = g(h^l) (W^(l+1))^T delta^(l+1),
  // g(u) = 0.7 1{|u| <= 1.3}, dW^l = delta^l a^(l-1)^T, db^l = sum over the batch.
  const auto& p = net.parameters();
  const int depth = tiny.depth;
  std::vector<Matrix<double>> a{x}, h;
  for (int l = 0; l <= depth; ++l) {
    h.push_back(p.weights[l] * a.back());
    for (int k = 0; k < batch; ++k) h.back().col(k) += p.biases[l];
    a.push_back(h.back().unaryExpr([&](double u) { return phi->value(u); }));
  }
  Matrix<double> delta(tiny.classes, batch);
  for (int k = 0; k < batch; ++k) {
    const Eigen::VectorXd e = (h[depth].col(k).array() - h[depth].col(k).maxCoeff()).exp();
    delta.col(k) = e / e.sum() / batch;
    delta(labels[k], k) -= 1.0 / batch;
  }
  for (int l = depth; l >= 0; --l) {
    const Matrix<double> expected_w = delta * a[l].transpose();
    CHECK((gradient.weights[l] - expected_w).cwiseAbs().maxCoeff() < 1e-13);
    CHECK((gradient.biases[l] - delta.rowwise().sum()).cwiseAbs().maxCoeff() < 1e-13);
    if (l == 0) break;
    Matrix<double> back = p.weights[l].transpose() * delta;
    for (Eigen::Index i = 0; i < back.size(); ++i)
      back.data()[i] *= std::abs(h[l - 1].data()[i]) <= 1.3 ? 0.7 : 0.0;
    delta = back;
  }
}
