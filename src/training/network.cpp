#include "qmf/training/network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "qmf/training/weight_quantizer.hpp"
#include "simulation/normal_generator.hpp"
#include "training/elementwise.hpp"

namespace qmf::training {

namespace {

// Eigen indexes with int-sized blocks in places; stay well inside.
constexpr double max_matrix_elements = 2147483647.0;

template <class Scalar>
Matrix<Scalar> draw_matrix(std::uint64_t seed, int layer, simulation::Stream purpose, int rows,
                           int cols, double scale) {
  Eigen::MatrixXd draws(rows, cols);
  simulation::NormalGenerator(seed, 0, static_cast<std::uint64_t>(layer), purpose)
      .fill(draws.data(), draws.size());
  return (scale * draws).cast<Scalar>();
}

}  // namespace

void validate(const NetworkShape& shape) {
  const auto positive = [](int value, const char* field, int least) {
    if (value < least)
      throw std::invalid_argument(std::string(field) + " must be at least " +
                                  std::to_string(least) + " (got " + std::to_string(value) + ")");
  };
  positive(shape.inputs, "inputs", 1);
  positive(shape.width, "width", 1);
  positive(shape.depth, "depth", 1);
  positive(shape.classes, "classes", 2);
  if (static_cast<double>(shape.width) * shape.width > max_matrix_elements ||
      static_cast<double>(shape.width) * shape.inputs > max_matrix_elements)
    throw std::invalid_argument("width must keep every weight matrix below 2^31 entries (got " +
                                std::to_string(shape.width) + ")");
}

template <class Scalar>
Parameters<Scalar> Parameters<Scalar>::zeros_like(const Parameters& like) {
  Parameters zeros;
  for (const auto& w : like.weights)
    zeros.weights.push_back(Matrix<Scalar>::Zero(w.rows(), w.cols()));
  for (const auto& b : like.biases) zeros.biases.push_back(Vector<Scalar>::Zero(b.size()));
  return zeros;
}

template <class Scalar>
Network<Scalar>::Network(const NetworkShape& shape, const Activation& phi,
                         StraightThrough surrogate, const Initialization& init, std::uint64_t seed,
                         const WeightSpec& weights)
    : shape_(shape), phi_(phi), g_(phi, surrogate) {
  validate(shape);
  validate(init);
  for (int l = 0; l <= shape.depth; ++l) {
    const int fan_in = l == 0 ? shape.inputs : shape.width;
    const int fan_out = l == shape.depth ? shape.classes : shape.width;
    parameters_.weights.push_back(draw_matrix<Scalar>(seed, l, simulation::Stream::weights, fan_out,
                                                      fan_in, std::sqrt(init.sw2 / fan_in)));
    parameters_.biases.push_back(
        draw_matrix<Scalar>(seed, l, simulation::Stream::biases, fan_out, 1, std::sqrt(init.sb2)));
  }
  h_.resize(shape.depth);
  x_.resize(shape.depth);
  seed_ = seed;
  auto quantizer = std::make_unique<WeightQuantizer>(weights, init.sw2);
  if (quantizer->active()) quantizer_ = std::move(quantizer);
}

template <class Scalar>
Network<Scalar>::~Network() = default;

template <class Scalar>
bool Network<Scalar>::quantized() const {
  return quantizer_ != nullptr;
}

template <class Scalar>
std::vector<Matrix<Scalar>>& Network<Scalar>::effective_weights() {
  discard_quantized_ahead();
  return quantizer_ ? quantized_ : parameters_.weights;
}

template <class Scalar>
std::uint64_t Network<Scalar>::draw_key(std::uint64_t draw, std::size_t layer) const {
  // One key per (seed, draw, layer): every draw of every layer is its own stream.
  return (seed_ * 0x100000001b3ULL ^ draw) * 0x10000ULL + layer;
}

template <class Scalar>
std::uint64_t Network<Scalar>::rounding_draw(std::size_t layer) const {
  return draw_key(draws_ - 1, layer);
}

// Per-example rounding: the part D B_e of each example's weights, in the
// current draw (forward: W = L + D B_e; backward: its transpose).
template <class Scalar>
void Network<Scalar>::add_rounding_products(int layer, const Matrix<Scalar>& in, bool transposed,
                                            Matrix<Scalar>& out) const {
  if (!quantizer_ || !quantizer_->per_example()) return;
  const auto& w = parameters_.weights[static_cast<std::size_t>(layer)];
  quantizer_->add_rounding_products(w, static_cast<int>(w.cols()),
                                    rounding_draw(static_cast<std::size_t>(layer)), in, transposed,
                                    out);
}

template <class Scalar>
void Network<Scalar>::discard_quantized_ahead() {
  if (!quantized_ahead_) return;
  quantized_ahead_ = false;
  --draws_;  // the next quantize_weights() makes the same draw afresh
}

template <class Scalar>
void Network<Scalar>::quantize_weights() {
  if (!quantizer_) return;
  if (quantized_ahead_) {
    quantized_ahead_ = false;
    return;
  }
  quantized_.resize(parameters_.weights.size());
  for (std::size_t l = 0; l < quantized_.size(); ++l) {
    const auto& w = parameters_.weights[l];
    quantizer_->quantize(w, static_cast<int>(w.cols()), draw_key(draws_, l), quantized_[l]);
  }
  ++draws_;
}

template <class Scalar>
WeightUpdateHook<Scalar>* Network<Scalar>::update_hook() {
  if (!quantizer_) return nullptr;
  discard_quantized_ahead();
  quantized_.resize(parameters_.weights.size());
  for (std::size_t l = 0; l < quantized_.size(); ++l)
    quantized_[l].resize(parameters_.weights[l].rows(), parameters_.weights[l].cols());
  return this;
}

template <class Scalar>
void Network<Scalar>::used_gradient(std::size_t layer, Eigen::Index, Eigen::Index count,
                                    const Scalar* latent, const Scalar* gradient,
                                    Scalar* used) const {
  quantizer_->mask_range(latent, gradient, used, count,
                         static_cast<int>(parameters_.weights[layer].cols()));
}

template <class Scalar>
void Network<Scalar>::updated(std::size_t layer, Eigen::Index begin, Eigen::Index count) {
  const auto& w = parameters_.weights[layer];
  quantizer_->quantize_range(w.data(), quantized_[layer].data(), w.size(), begin, count,
                             static_cast<int>(w.cols()), draw_key(draws_, layer));
}

template <class Scalar>
void Network<Scalar>::finished() {
  ++draws_;
  quantized_ahead_ = true;
}

// Column by column through the activation's batch evaluation (one virtual
// call per example, not per unit), columns split between the OpenMP threads.
template <class Scalar>
void Network<Scalar>::activate(const Matrix<Scalar>& h, Matrix<Scalar>& x) const {
  x.resize(h.rows(), h.cols());
  const auto rows = static_cast<std::size_t>(h.rows());
#pragma omp parallel for schedule(static) if (h.size() > parallel_threshold)
  for (Eigen::Index j = 0; j < h.cols(); ++j) phi_.values(h.col(j).data(), x.col(j).data(), rows);
}

template <class Scalar>
const Matrix<Scalar>& Network<Scalar>::forward(const Matrix<Scalar>& x) {
  quantize_weights();
  return forward_same_weights(x);
}

template <class Scalar>
const Matrix<Scalar>& Network<Scalar>::forward_same_weights(const Matrix<Scalar>& x) {
  if (x.rows() != shape_.inputs)
    throw std::invalid_argument("inputs must have " + std::to_string(shape_.inputs) +
                                " rows (got " + std::to_string(x.rows()) + ")");
  input_ = &x;
  const auto& w = quantizer_ ? quantized_ : parameters_.weights;
  const auto& b = parameters_.biases;
  for (int l = 0; l < shape_.depth; ++l) {
    const Matrix<Scalar>& in = l == 0 ? x : x_[l - 1];
    h_[l].noalias() = w[l] * in;
    add_rounding_products(l, in, false, h_[l]);
    h_[l].colwise() += b[l];
    activate(h_[l], x_[l]);
  }
  logits_.noalias() = w[shape_.depth] * x_[shape_.depth - 1];
  add_rounding_products(shape_.depth, x_[shape_.depth - 1], false, logits_);
  logits_.colwise() += b[shape_.depth];
  return logits_;
}

template <class Scalar>
void Network<Scalar>::backward(const Matrix<Scalar>& logit_gradient, Parameters<Scalar>& gradient) {
  backward_unclipped(logit_gradient, gradient);
  // The straight-through estimator of the weight quantizer: dL/dW = dL/dQ(W)
  // inside the clip range.
  if (quantizer_)
    for (std::size_t l = 0; l < gradient.weights.size(); ++l)
      quantizer_->mask_gradient(parameters_.weights[l],
                                static_cast<int>(parameters_.weights[l].cols()),
                                gradient.weights[l]);
}

template <class Scalar>
void Network<Scalar>::backward_unclipped(const Matrix<Scalar>& logit_gradient,
                                         Parameters<Scalar>& gradient) {
  if (input_ == nullptr || logit_gradient.cols() != logits_.cols() ||
      logit_gradient.rows() != logits_.rows())
    throw std::invalid_argument("logit_gradient must match the logits of the last forward pass");
  const int depth = shape_.depth;
  if (gradient.weights.size() != parameters_.weights.size())
    gradient = Parameters<Scalar>::zeros_like(parameters_);
  gradient.weights[depth].noalias() = logit_gradient * x_[depth - 1].transpose();
  gradient.biases[depth] = logit_gradient.rowwise().sum();
  const auto& w = quantizer_ ? quantized_ : parameters_.weights;
  delta_.noalias() = w[depth].transpose() * logit_gradient;
  add_rounding_products(depth, logit_gradient, true, delta_);
  for (int l = depth - 1; l >= 0; --l) {
    // delta^l = g(h^l) * (W^(l+1))^T delta^(l+1): phi' for smooth phi, the STE for steps.
    scale_elements(delta_, h_[l], g_);
    gradient.weights[l].noalias() = delta_ * (l == 0 ? *input_ : x_[l - 1]).transpose();
    gradient.biases[l] = delta_.rowwise().sum();
    if (l == 0) break;
    scratch_.noalias() = w[l].transpose() * delta_;
    add_rounding_products(l, delta_, true, scratch_);
    delta_.swap(scratch_);
  }
}

template struct Parameters<float>;
template struct Parameters<double>;
template class Network<float>;
template class Network<double>;

}  // namespace qmf::training
