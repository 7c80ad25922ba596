// The layer product of a random network, fused with drawing its weights.
//
// The n x n weight matrix is never stored: each row is drawn into a buffer
// that stays in cache and used at once, so the layer costs what drawing n^2
// normals costs and memory stays O(n). The backward pass draws the same rows
// again from the same stream.
#pragma once

#include <Eigen/Core>

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

class DenseLayer {
 public:
  /// Layer `layer` of net `net`: weights N(0, sw2/n), biases N(0, sb2).
  DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width);

  /// H = W X + b (b added to every column); X and H are n x m.
  void forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const;
  /// A = W^T D; D and A are n x m.
  void backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const;

 private:
  NormalGenerator weight_stream() const;

  std::uint64_t seed_;
  int net_;
  int layer_;
  double weight_scale_;
  double bias_scale_;
  int width_;
};

}  // namespace qmf::simulation
