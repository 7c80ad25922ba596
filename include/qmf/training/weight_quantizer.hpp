// Quantization-aware training's weight quantizer: the latent float weights W
// stay the optimiser's parameters, the forward pass uses Q(W), and the
// backward pass passes the gradient straight through Q (docs/generalization.md).
//
// Grid: the weight spec's levels (qmf/weights/weight_spec.hpp) in units of the
// layer's initial standard deviation sigma = sqrt(sw2 / fan_in), fixed for the
// whole run: the uniform grid -top, -top + D, ..., top (binary: -1, 1;
// ternary: -s, 0, s; bits:B: 2^B - 1 levels up to clip). A latent weight is
// clipped to [-top sigma, top sigma] and rounded to the nearest level, or
// stochastically (up with probability equal to its fractional position in its
// cell, so E[Q(w) | w] = clip(w)).
//
// Straight-through estimator: dL/dw = dL/dQ(w) 1{|w| <= top sigma}, i.e. the
// identity inside the clip range and zero outside it (where Q is flat in w).
//
// rounding=stochastic-per-example: example e of a batch sees its own rounding
// Q_e(W) = L(W) + D B_e, L the level below each clipped latent weight, D the
// spacing, B_e a 0/1 matrix, 1 with the weight's fractional position in its
// cell: weight by weight, the stochastic rounding of quantize() with the draw
// example_draw(draw, e). quantize() then gives L, and add_rounding_products()
// the part D B_e of each example's product, B_e drawn again from its keys
// (not stored) for the backward pass.
//
// The stochastic uniforms are laid out in blocks of quantizer_block weights
// (src/training/weight_quantizer.cpp), so that a block can be quantized on its
// own, e.g. by the optimiser right after updating it (Network::update_hook()).
#pragma once

#include <cstdint>

#include "qmf/training/network.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::training {

/// Weights per block of the stochastic uniforms' layout.
constexpr Eigen::Index quantizer_block = 2048;

class WeightQuantizer {
 public:
  WeightQuantizer(const WeightSpec& spec, double sw2);

  /// False for gaussian weights: the net is a float net.
  [[nodiscard]] bool active() const { return active_; }
  /// rounding=stochastic-per-example.
  [[nodiscard]] bool per_example() const { return per_example_; }

  /// q = Q(w) for a layer of this fan-in (per example: L(w)); `draw` keys the
  /// stochastic rounding (counter-based: the result does not depend on the
  /// thread count).
  template <class Scalar>
  void quantize(const Matrix<Scalar>& w, int fan_in, std::uint64_t draw, Matrix<Scalar>& q) const;
  /// Weights [begin, begin + count) of quantize() for a matrix of `size`
  /// weights (latent and out point at weight 0); the same values. Fastest for
  /// ranges of whole blocks of quantizer_block.
  template <class Scalar>
  void quantize_range(const Scalar* latent, Scalar* out, Eigen::Index size, Eigen::Index begin,
                      Eigen::Index count, int fan_in, std::uint64_t draw) const;

  /// Per-example rounding: out.col(e) += D B_e in.col(e) for every column e of
  /// `in` (transposed: out.col(e) += D B_e^T in.col(e)), B_e the up-moves of
  /// example e's rounding of w in the draw `draw` (the class comment).
  template <class Scalar>
  void add_rounding_products(const Matrix<Scalar>& w, int fan_in, std::uint64_t draw,
                             const Matrix<Scalar>& in, bool transposed, Matrix<Scalar>& out) const;
  /// The draw of example e's rounding within the per-example draw `draw`.
  [[nodiscard]] static std::uint64_t example_draw(std::uint64_t draw, Eigen::Index example);

  /// gradient *= 1{|w| <= top sigma} (the STE's clip).
  template <class Scalar>
  void mask_gradient(const Matrix<Scalar>& w, int fan_in, Matrix<Scalar>& gradient) const;
  /// out = gradient 1{|latent| <= top sigma} for `count` weights (out may be gradient).
  template <class Scalar>
  void mask_range(const Scalar* latent, const Scalar* gradient, Scalar* out, Eigen::Index count,
                  int fan_in) const;

 private:
  bool active_ = false;
  bool stochastic_ = false;
  bool per_example_ = false;
  double sw2_ = 1.0;
  double top_ = 1.0;      // the largest level, in standard deviations
  double spacing_ = 1.0;  // D, in standard deviations
  long cells_ = 1;        // (2 top) / D
  // bits:32 (2^32 - 2 cells, more than an int counts): WeightRounding's 64-bit
  // grid index, slower than the int index of the coarser grids (it vectorises
  // only with AVX-512), used for these grids alone.
  WeightRounding fine_grid_;
};

}  // namespace qmf::training
