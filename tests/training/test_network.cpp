// Backward pass of every layer type (input n x inputs, hidden n x n, read-out
// classes x n, and the biases) against finite differences for a smooth
// activation, and against the straight-through estimator's definition, written
// out independently here, for a step activation; and the loss against its
// closed form.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "qmf/training/loss.hpp"
#include "qmf/weights/weight_spec.hpp"
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

// d(mean loss)/d parameter by central differences of step h.
double central_difference(Network<double>& net, const Matrix<double>& x, double& parameter,
                          double h) {
  const double saved = parameter;
  parameter = saved + h;
  const double up = mean_loss(net, x);
  parameter = saved - h;
  const double down = mean_loss(net, x);
  parameter = saved;
  return (up - down) / (2 * h);
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
    CHECK(std::abs(central_difference(net, x, parameter, h) - analytic) < tolerance);
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

namespace {

// The nearest grid point to a latent weight, by brute force over the spec's
// levels (no cell arithmetic): sigma * argmin over +-levels of |clip(w) - v|.
double nearest_on_grid(const WeightSpec& spec, double w, double sigma) {
  std::vector<double> grid;
  for (const double level : spec.positive_levels()) {
    grid.push_back(sigma * level);
    grid.push_back(-sigma * level);
  }
  double best = grid.front();
  for (const double v : grid)
    if (std::abs(w - v) < std::abs(w - best)) best = v;
  return best;
}

}  // namespace

TEST_CASE("deterministic rounding puts every weight of the net on its nearest grid point") {
  const auto phi = make_activation("tanh");
  for (const char* text : {"binary", "ternary", "bits:4", "bits:3,clip=1"}) {
    const WeightSpec spec = parse_weight_spec(text);
    Network<double> net(tiny, *phi, {}, {1.5, 0.1}, 7, spec);
    const Matrix<double> x = inputs();
    net.forward(x);
    for (std::size_t l = 0; l < net.effective_weights().size(); ++l) {
      const auto& latent = net.parameters().weights[l];
      const auto& used = net.effective_weights()[l];
      const double sigma = std::sqrt(1.5 / static_cast<double>(latent.cols()));
      for (Eigen::Index i = 0; i < latent.size(); ++i) {
        INFO(text << " layer " << l << " w = " << latent.data()[i]);
        CHECK(std::abs(used.data()[i] - nearest_on_grid(spec, latent.data()[i], sigma)) <
              1e-14 * sigma);
      }
    }
  }
}

TEST_CASE("stochastic rounding is on the grid, unbiased, redrawn per forward pass") {
  const auto phi = make_activation("tanh");
  const WeightSpec spec = parse_weight_spec("bits:3,clip=1,rounding=stochastic");
  Network<double> net(tiny, *phi, {}, {1.5, 0.1}, 7, spec);
  const Matrix<double> x = inputs();
  const auto& latent = net.parameters().weights[1];
  const double sigma = std::sqrt(1.5 / tiny.width);
  const double spacing = sigma / 3.0;
  constexpr int draws = 4000;
  Matrix<double> sum = Matrix<double>::Zero(latent.rows(), latent.cols());
  Matrix<double> previous;
  int changes = 0;
  for (int d = 0; d < draws; ++d) {
    net.forward(x);
    const Matrix<double> q = net.effective_weights()[1];
    // Each value is a grid point next to clip(w).
    for (Eigen::Index i = 0; i < q.size(); ++i) {
      const double w = std::clamp(latent.data()[i], -sigma, sigma);
      CHECK(std::abs(q.data()[i] / spacing - std::round(q.data()[i] / spacing)) < 1e-12);
      CHECK(std::abs(q.data()[i] - w) < spacing * (1 + 1e-12));
    }
    changes += d > 0 && q != previous ? 1 : 0;
    net.forward_same_weights(x);
    CHECK(net.effective_weights()[1] == q);
    previous = q;
    sum += q;
  }
  CHECK(changes > draws / 2);  // ~11 of 16 weights are inside the clip range and random
  // E[Q] = clip(w): the mean of 4000 draws has standard error below
  // spacing / (2 sqrt(4000)) = 0.008 spacing; 5 of them.
  for (Eigen::Index i = 0; i < latent.size(); ++i) {
    const double w = std::clamp(latent.data()[i], -sigma, sigma);
    CHECK(std::abs(sum.data()[i] / draws - w) < 5 * 0.5 * spacing / std::sqrt(draws));
  }
}

TEST_CASE("backward pass of a quantized net is the weight STE") {
  // dL/dW (latent) = dL/dQ(W) 1{|W| <= top sigma}. Finite differences in the
  // latent weights would give 0 (Q is locally constant), so the definition is
  // checked directly: dL/dQ by central differences of a float net whose
  // weights are Q(W), times the clip mask written out here.
  const auto phi = make_activation("tanh");
  const Initialization init{1.5, 0.1};
  for (const char* text : {"bits:3,clip=1", "binary", "ternary,p=0.5"}) {
    const WeightSpec spec = parse_weight_spec(text);
    Network<double> net(tiny, *phi, {}, init, 7, spec);
    const Matrix<double> x = inputs();
    const Parameters<double> gradient = analytic_gradient(net, x);
    Network<double> fixed(tiny, *phi, {}, init, 7);
    fixed.parameters().weights = net.effective_weights();
    fixed.parameters().biases = net.parameters().biases;
    const double top = spec.positive_levels().back();
    int clipped = 0;
    constexpr double h = 1e-5;  // as the smooth net's test above
    for (std::size_t l = 0; l < gradient.weights.size(); ++l) {
      const auto& latent = net.parameters().weights[l];
      const double sigma = std::sqrt(init.sw2 / static_cast<double>(latent.cols()));
      for (Eigen::Index i = 0; i < latent.size(); ++i) {
        const double by_q =
            central_difference(fixed, x, fixed.parameters().weights[l].data()[i], h);
        const bool inside = std::abs(latent.data()[i]) <= top * sigma;
        clipped += inside ? 0 : 1;
        INFO(text << " layer " << l << " index " << i);
        CHECK(std::abs(gradient.weights[l].data()[i] - (inside ? by_q : 0.0)) < 1e-8);
      }
      // Biases are not quantized: their gradient is the float net's.
      CHECK((gradient.biases[l] - analytic_gradient(fixed, x).biases[l]).cwiseAbs().maxCoeff() <
            1e-13);
    }
    INFO(text << ": " << clipped << " latent weights outside the clip range");
    CHECK(clipped > 0);  // the mask was exercised
  }
}
