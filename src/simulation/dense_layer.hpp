// The layer product of a random network, fused with drawing its weights.
//
// The n x n weight matrix is never stored: each row is drawn into a buffer
// that stays in cache and used at once, so the layer costs what drawing n^2
// normals costs and memory stays O(n). The backward pass draws the same rows
// again from the same streams.
//
// Quantized weights shared by the inputs (nearest, or stochastic rounding
// drawn once) are drawn straight from their exact distribution on the grid,
// one uniform per weight through an alias table (weights/level_sampler.hpp;
// grids of more than 255 levels round a latent normal instead,
// qmf/weights/weight_rounding.hpp). Rounding afresh for every input
// (stochastic-per-example) rounds the latent normal with one uniform per
// weight and input, drawn input by input in row order, so that the backward
// pass meets every input's own weights again.
#pragma once

#include <Eigen/Core>
#include <memory>

#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/level_sampler.hpp"

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
  std::shared_ptr<const LevelSampler> sampler_;  // null unless the levels are sampled
};

}  // namespace qmf::simulation
