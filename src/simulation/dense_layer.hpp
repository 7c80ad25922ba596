// The layer product of a random network, fused with drawing its weights.
//
// The n x n weight matrix is never stored: each row is drawn into a buffer
// that stays in cache and used at once, so the layer costs what drawing n^2
// normals costs and memory stays O(n). The backward pass draws the same rows
// again from the same streams.
//
// Quantized weights (qmf/weights/weight_rounding.hpp) round each latent
// normal onto the spec's grid: once for all inputs (nearest; stochastic, with
// one uniform per weight), or afresh for every input (stochastic-per-example,
// one uniform per weight and input, drawn input by input in row order, so
// that the backward pass meets every input's own weights again).
#pragma once

#include <Eigen/Core>

#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

class DenseLayer {
 public:
  /// Layer `layer` of net `net`: latent weights N(0, sw2/n) rounded by
  /// `weights`, biases N(0, sb2).
  DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width,
             const WeightSpec& weights = {});

  /// H = W X + b (b added to every column); X and H are n x m.
  void forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const;
  /// A = W^T D; D and A are n x m.
  void backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const;

 private:
  class WeightRows;

  std::uint64_t seed_;
  int net_;
  int layer_;
  double weight_scale_;
  double bias_scale_;
  int width_;
  WeightRounding rounding_;
};

}  // namespace qmf::simulation
