// A fully connected classifier for training (theory.md section 4): input layer
// inputs -> n, depth - 1 hidden layers n -> n, each followed by the activation
// phi, and a linear read-out n -> classes. Batches are columns, so every layer
// is one matrix product W (n x fan_in) times X (fan_in x batch).
//
// Initialisation: W ~ N(0, sw2 / fan_in), b ~ N(0, sb2), the read-out included,
// each layer from its own keyed random stream (seed, layer). Backward through a
// step activation uses the straight-through surrogate g of BackwardDerivative.
//
// Quantized weights (quantization-aware training, weight_quantizer.hpp): the
// parameters stay the latent float weights; forward() uses Q(W) of every weight
// matrix (the read-out included; biases stay float) and backward() passes the
// gradient straight through Q, zero outside the clip range.
//
// A training step's fast path (the trainer's): backward_unclipped(), then
// Optimizer::step(parameters(), gradient, update_hook()), which applies the
// clip and quantizes each updated chunk of latent weights for the next
// forward() while the chunk is in cache, instead of three more passes over
// the weights (quantize, clip, update). Same parameters, same weights.
//
// rounding=stochastic-per-example: example e (column e of a batch) sees its
// own stochastic rounding Q_e(W) = L(W) + D B_e (weight_quantizer.hpp), in
// the forward pass and in the backward pass's data gradient (B_e drawn again
// from its keys); the weight gradient is the STE's, sum_e delta_e x_e^T.
// effective_weights() are then L. forward_same_weights() keeps the draw, so
// column e of every batch it sees gets the same rounding.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::training {

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

struct NetworkShape {
  int inputs = 784;
  int width = 0;
  int depth = 0;  // layers with an activation (the read-out not counted)
  int classes = 10;
};

/// Throws std::invalid_argument naming the field unless every size is positive
/// (classes >= 2) and the parameters fit in memory limits (<= 2^31 per matrix).
void validate(const NetworkShape& shape);

/// Weights and biases of layers 1..depth and the read-out (index depth); the
/// same layout holds gradients and optimiser state.
template <class Scalar>
struct Parameters {
  std::vector<Matrix<Scalar>> weights;
  std::vector<Vector<Scalar>> biases;

  /// Zero tensors of the same shapes as `like`.
  static Parameters zeros_like(const Parameters& like);
};

class WeightQuantizer;

/// Elements per chunk of an optimiser step with a WeightUpdateHook: chunks
/// start at multiples of it.
constexpr Eigen::Index update_chunk = 2048;

/// Work the optimiser lets a quantization-aware net do on each weight matrix
/// during an update, a chunk of elements at a time, while the chunk is in
/// cache. Called from several threads at once for disjoint chunks.
template <class Scalar>
class WeightUpdateHook {
 public:
  /// The gradient the update of elements [begin, begin + count) of weight
  /// matrix `layer` uses (`used`), from the caller's `gradient` and the
  /// latent weights before the update (all three pointers at `begin`).
  virtual void used_gradient(std::size_t layer, Eigen::Index begin, Eigen::Index count,
                             const Scalar* latent, const Scalar* gradient, Scalar* used) const = 0;
  /// The same elements after their update.
  virtual void updated(std::size_t layer, Eigen::Index begin, Eigen::Index count) = 0;
  /// After the last chunk of the last matrix.
  virtual void finished() = 0;

 protected:
  ~WeightUpdateHook() = default;
};

template <class Scalar>
class Network : private WeightUpdateHook<Scalar> {
 public:
  /// Draws the parameters (seeded; independent of any thread count). Keeps a
  /// reference to phi. Weights other than gaussian make it a quantization-aware
  /// net.
  Network(const NetworkShape& shape, const Activation& phi, StraightThrough surrogate,
          const Initialization& init, std::uint64_t seed, const WeightSpec& weights = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Logits (classes x batch) of the inputs x (inputs x batch); keeps the
  /// pre-activations for backward(). Quantizes the latent weights first
  /// (quantize_weights(): stochastic rounding is redrawn on every call).
  /// backward() reads x again (the first layer's weight gradient), so x must
  /// outlive it: a temporary is refused at compile time.
  const Matrix<Scalar>& forward(const Matrix<Scalar>& x);
  const Matrix<Scalar>& forward(Matrix<Scalar>&&) = delete;
  /// forward() with the weights of the last quantize_weights() (one stochastic
  /// draw for several batches, e.g. a measurement in chunks).
  const Matrix<Scalar>& forward_same_weights(const Matrix<Scalar>& x);
  const Matrix<Scalar>& forward_same_weights(Matrix<Scalar>&&) = delete;
  /// Q(W) of the current latent weights into effective_weights(); the next
  /// stochastic draw (keyed by seed, draw count and layer). After an
  /// optimiser step with update_hook() it is already there, and this only
  /// marks it used.
  void quantize_weights();
  /// The weights the forward pass multiplies by: Q(W), or W for a float net.
  /// Changing them (e.g. a perturbation) lasts until the next quantize_weights()
  /// for a quantized net and changes the parameters of a float net.
  [[nodiscard]] std::vector<Matrix<Scalar>>& effective_weights();
  [[nodiscard]] bool quantized() const;
  /// The draw (WeightQuantizer::quantize's `draw`) of layer l's current
  /// effective weights; per example, example e's is
  /// WeightQuantizer::example_draw(rounding_draw(l), e).
  [[nodiscard]] std::uint64_t rounding_draw(std::size_t layer) const;
  /// Gradient of the loss with respect to every parameter, given its gradient
  /// with respect to the logits of the last forward() (same batch).
  void backward(const Matrix<Scalar>& logit_gradient, Parameters<Scalar>& gradient);
  /// backward() without the STE's clip: gradient.weights are dL/dQ(W) (for a
  /// float net, backward() itself). For an optimiser step with update_hook(),
  /// which applies the clip.
  void backward_unclipped(const Matrix<Scalar>& logit_gradient, Parameters<Scalar>& gradient);
  /// For Optimizer::step after backward_unclipped(): applies the STE's clip to
  /// the weight gradient and quantizes the updated latent weights (the next
  /// stochastic draw, as quantize_weights() would) chunk by chunk. nullptr for
  /// a float net.
  [[nodiscard]] WeightUpdateHook<Scalar>* update_hook();

  /// (Non-const: a change of the latent weights discards weights quantized
  /// ahead by update_hook(); the next forward() quantizes them afresh.)
  [[nodiscard]] Parameters<Scalar>& parameters() {
    discard_quantized_ahead();
    return parameters_;
  }
  [[nodiscard]] const Parameters<Scalar>& parameters() const { return parameters_; }
  /// h^1..h^depth of the last forward(), index l - 1.
  [[nodiscard]] const std::vector<Matrix<Scalar>>& pre_activations() const { return h_; }
  [[nodiscard]] const NetworkShape& shape() const { return shape_; }

 private:
  /// x = phi(h) element by element.
  void activate(const Matrix<Scalar>& h, Matrix<Scalar>& x) const;
  /// The key of layer l's stochastic rounding in draw `draw`.
  [[nodiscard]] std::uint64_t draw_key(std::uint64_t draw, std::size_t layer) const;
  /// out += the per-example rounding's part of layer `layer`'s product (none
  /// unless rounding=stochastic-per-example).
  void add_rounding_products(int layer, const Matrix<Scalar>& in, bool transposed,
                             Matrix<Scalar>& out) const;
  /// Undoes the draw update_hook() made ahead, if it is still unused.
  void discard_quantized_ahead();

  void used_gradient(std::size_t layer, Eigen::Index begin, Eigen::Index count,
                     const Scalar* latent, const Scalar* gradient, Scalar* used) const override;
  void updated(std::size_t layer, Eigen::Index begin, Eigen::Index count) override;
  void finished() override;

  NetworkShape shape_;
  const Activation& phi_;
  BackwardDerivative g_;
  Parameters<Scalar> parameters_;
  const Matrix<Scalar>* input_ = nullptr;
  std::vector<Matrix<Scalar>> h_;  // pre-activations
  std::vector<Matrix<Scalar>> x_;  // activations phi(h)
  Matrix<Scalar> logits_;
  Matrix<Scalar> delta_;  // backward(): the gradient of the current layer's h
  Matrix<Scalar> scratch_;
  std::unique_ptr<WeightQuantizer> quantizer_;  // nullptr for a float net
  std::vector<Matrix<Scalar>> quantized_;       // Q(W) of the last quantize_weights()
  std::uint64_t seed_ = 0;
  std::uint64_t draws_ = 0;  // stochastic draws made so far
  // quantized_ holds a draw made by update_hook() that no forward() used yet.
  bool quantized_ahead_ = false;
};

extern template class Network<float>;
extern template class Network<double>;
extern template struct Parameters<float>;
extern template struct Parameters<double>;

}  // namespace qmf::training
