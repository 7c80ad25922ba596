// Per-example stochastic rounding in training (rounding=stochastic-per-
// example): the net's forward and backward passes against a direct
// implementation written out here, example by example, whose weights Q_e are
// drawn weight by weight from the layout stated in
// src/training/per_example_rounding.cpp (16-bit uniforms, four per hash, a
// tie broken by 32 more bits; the test checks that ties occur). The net
// computes L X + D B_e x_e instead, block by block with vector code, and
// draws B_e again for the backward pass. And, from the forward pass alone,
// that the weights an example sees are on the grid, unbiased and different
// from example to example.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "qmf/training/loss.hpp"
#include "qmf/training/weight_quantizer.hpp"
#include "simulation/normal_generator.hpp"
#include "training/rounding_bits.hpp"

using namespace qmf;
using namespace qmf::training;

namespace {

// Width 60: the hidden matrix (3600 weights) spans two uniform blocks, the
// second partial, and its columns of 60 cross the block boundary; no matrix
// holds whole groups of 32 per column, so every product is unfused.
const NetworkShape shape{5, 60, 2, 3};
// Width 64: the first and hidden matrices (64 rows) take the fused pass
// where the CPU has one (AVX-512, or AVX2), the output layer the unfused one.
const NetworkShape fused_shape{5, 64, 2, 3};
// 64 examples: 2.6e5 draws, about 4 ties (probability 2^-16 each).
constexpr int batch = 64;
const Initialization init{1.5, 0.1};

template <class Scalar>
Matrix<Scalar> inputs(Eigen::Index columns, const NetworkShape& shape = ::shape) {
  Eigen::MatrixXd x(shape.inputs, columns);
  simulation::NormalGenerator(11, 0, 0, simulation::Stream::inputs).fill(x.data(), x.size());
  return x.cast<Scalar>();
}

// The largest |a - b| over the largest |b| (1 if b is zero).
template <class Scalar>
double relative_difference(const Matrix<Scalar>& a, const Matrix<Scalar>& b) {
  const double scale = std::max(1.0, static_cast<double>(b.cwiseAbs().maxCoeff()));
  return static_cast<double>((a - b).cwiseAbs().maxCoeff()) / scale;
}

// Whether weight i (of a matrix) moves up in the rounding keyed `key`, its
// fraction of its cell being f: the layout of per_example_rounding.cpp,
// written out. Counts the ties.
bool moves_up(std::uint64_t key, Eigen::Index i, double f, long& ties) {
  const Eigen::Index start = i / quantizer_block * quantizer_block;
  const Eigen::Index group = (i - start) / 32;
  const Eigen::Index lane = (i - start) % 32;
  const Eigen::Index word = lane % 16;
  const std::uint64_t hash =
      rounding::mix(key ^ static_cast<std::uint64_t>(start / 4 + 8 * group + word / 2));
  const auto bits = static_cast<std::uint32_t>(hash >> (32 * (word % 2)));
  const std::uint32_t u = lane < 16 ? bits & 0xffffu : bits >> 16;
  const auto p = static_cast<std::uint64_t>(std::ldexp(f, 48));
  if (u != p >> 32) return u < p >> 32;
  ++ties;
  const std::uint64_t tie_key = rounding::mix(key ^ 0x6a09e667f3bcc909ULL);
  return static_cast<std::uint32_t>(rounding::mix(tie_key ^ static_cast<std::uint64_t>(i))) <
         static_cast<std::uint32_t>(p);
}

// Example e's weights: clip, the level below and a move up, weight by weight.
template <class Scalar>
Matrix<Scalar> example_weights(const Matrix<Scalar>& w, const WeightSpec::Grid& grid,
                               std::uint64_t key, long& ties) {
  const double sigma = std::sqrt(init.sw2 / static_cast<double>(w.cols()));
  Matrix<Scalar> q(w.rows(), w.cols());
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    const double t = std::clamp(
        static_cast<double>(w.data()[i]) / (sigma * grid.spacing) + grid.top / grid.spacing, 0.0,
        static_cast<double>(grid.cells));
    const double below = std::floor(t);
    const double level = below + (moves_up(key, i, t - below, ties) ? 1.0 : 0.0);
    q.data()[i] = static_cast<Scalar>(sigma * (grid.spacing * level - grid.top));
  }
  return q;
}

// The net's logits and latent weight gradients (backward(), with the clip)
// against the direct per-example computation; the largest relative difference.
template <class Scalar>
double largest_difference(const char* rounding_text, const NetworkShape& shape) {
  const auto phi = make_activation("tanh");
  const WeightSpec spec = parse_weight_spec(std::string(rounding_text) + "-per-example");
  Network<Scalar> net(shape, *phi, {}, init, 7, spec);
  const Matrix<Scalar> x = inputs<Scalar>(batch, shape);
  std::uint8_t labels[batch];
  for (int e = 0; e < batch; ++e) labels[e] = static_cast<std::uint8_t>(e % 3);
  Matrix<Scalar> logit_gradient;
  const Matrix<Scalar> logits = net.forward(x);
  softmax_cross_entropy(logits, labels, &logit_gradient);
  Parameters<Scalar> gradient;
  net.backward(logit_gradient, gradient);

  // Direct: each example through its own weight matrices.
  const WeightSpec::Grid grid = spec.grid();
  long ties = 0;
  const auto& latent = net.parameters().weights;
  const auto& biases = net.parameters().biases;
  const int layers = shape.depth + 1;
  std::vector<Matrix<Scalar>> expected_gradient;
  for (const auto& w : latent)
    expected_gradient.push_back(Matrix<Scalar>::Zero(w.rows(), w.cols()));
  double worst = 0.0;
  for (int e = 0; e < batch; ++e) {
    std::vector<Matrix<Scalar>> q(static_cast<std::size_t>(layers));
    std::vector<Vector<Scalar>> activations{x.col(e)};  // x, phi(h^1), ...
    std::vector<Vector<Scalar>> pre;
    for (int l = 0; l < layers; ++l) {
      const auto& w = latent[static_cast<std::size_t>(l)];
      q[static_cast<std::size_t>(l)] = example_weights(
          w, grid, rounding::mix(WeightQuantizer::example_draw(net.rounding_draw(l), e)), ties);
      const Vector<Scalar> h = q[static_cast<std::size_t>(l)] * activations.back() + biases[l];
      pre.push_back(h);
      activations.push_back(l < shape.depth ? Vector<Scalar>(h.array().tanh()) : h);
    }
    worst = std::max(worst, relative_difference<Scalar>(activations.back(), logits.col(e)));
    Vector<Scalar> delta = logit_gradient.col(e);
    for (int l = layers - 1; l >= 0; --l) {
      expected_gradient[static_cast<std::size_t>(l)] +=
          delta * activations[static_cast<std::size_t>(l)].transpose();
      if (l == 0) break;
      const Vector<Scalar> back = q[static_cast<std::size_t>(l)].transpose() * delta;
      delta = back.array() * (1 - pre[static_cast<std::size_t>(l - 1)].array().tanh().square());
    }
  }
  // The STE's clip at top sigma (clip = 1 here: top = 1).
  for (int l = 0; l < layers; ++l) {
    const auto& w = latent[static_cast<std::size_t>(l)];
    const double limit = std::sqrt(init.sw2 / static_cast<double>(w.cols()));
    auto& expected = expected_gradient[static_cast<std::size_t>(l)];
    for (Eigen::Index i = 0; i < w.size(); ++i)
      if (std::abs(static_cast<double>(w.data()[i])) > limit) expected.data()[i] = 0;
    worst = std::max(worst, relative_difference<Scalar>(gradient.weights[l], expected));
  }
  CHECK(ties > 0);  // the tie-breaking path was compared too (5 to 7 ties)
  return worst;
}

}  // namespace

TEST_CASE("per-example rounding's forward and backward passes are the direct per-example ones") {
  // Double: only the order of the sums differs (L x + D B x against Q x):
  // 1e-12. Float32: 6e-8 per rounding, over sums of up to 60 terms per product
  // and 64 examples per weight gradient (and L + D B against Q rounded once):
  // the linear bound (60 + 64) 6e-8 = 7e-6; 4e-6, 6x the largest measured.
  for (const NetworkShape& s : {shape, fused_shape})
    for (const char* text : {"bits:3,clip=1,rounding=stochastic", "binary,rounding=stochastic"}) {
      INFO(text << ", width " << s.width);
      CHECK(largest_difference<double>(text, s) < 1e-12);  // measured below 1e-15
      CHECK(largest_difference<float>(text, s) < 4e-6);    // measured 2.5e-7 and 6.3e-7
    }
}

TEST_CASE("per-example weights are on the grid, unbiased and differ between examples") {
  // One input unit on (x = e_2, no biases): the first layer's pre-activation of
  // example e is column 2 of the weights Q_e it saw.
  const auto phi = make_activation("tanh");
  const WeightSpec spec = parse_weight_spec("bits:3,clip=1,rounding=stochastic-per-example");
  Network<double> net(shape, *phi, {}, {1.5, 0.0}, 7, spec);
  constexpr int examples = 4000;
  Matrix<double> x = Matrix<double>::Zero(shape.inputs, examples);
  x.row(2).setOnes();
  net.forward(x);
  const Matrix<double> seen = net.pre_activations()[0];
  const double sigma = std::sqrt(1.5 / shape.inputs);
  const double spacing = sigma / 3.0;  // 7 levels over [-sigma, sigma]
  const Vector<double> w = net.parameters().weights[0].col(2);
  long differing = 0;
  for (int e = 0; e < examples; ++e) {
    differing += seen.col(e) != seen.col(0) ? 1 : 0;
    for (Eigen::Index i = 0; i < seen.rows(); ++i) {
      const double q = seen(i, e);
      CHECK(std::abs(q / spacing - std::round(q / spacing)) < 1e-9);
      CHECK(std::abs(q - std::clamp(w(i), -sigma, sigma)) < spacing * (1 + 1e-9));
    }
  }
  CHECK(differing > examples * 9 / 10);
  // E[Q_e] = clip(w): the mean over 4000 examples has standard error at most
  // spacing / (2 sqrt(4000)); 5 of them.
  for (Eigen::Index i = 0; i < seen.rows(); ++i)
    CHECK(std::abs(seen.row(i).mean() - std::clamp(w(i), -sigma, sigma)) <
          5 * 0.5 * spacing / std::sqrt(examples));
  // The same draw again gives the same weights; a new forward pass new ones.
  net.forward_same_weights(x);
  CHECK(net.pre_activations()[0] == seen);
  net.forward(x);
  CHECK(net.pre_activations()[0] != seen);
}
