// A layer of a random network drawn from its Gram matrix instead of its
// weights (docs/gram_simulation.md).
//
// With Gaussian weights W ~ N(0, sw2/n) and biases b ~ N(0, sb2), the rows of
// H = W Phi + b 1^T are independent, each N(0, K) with the m x m covariance
// K = (sw2/n) Phi^T Phi + sb2 11^T: the forward pass draws n x m normals and
// multiplies by a square root of K, O(n m^2) instead of O(n^2 m). The backward
// pass draws W^T D from the weights' distribution conditioned on the forward
// pass having produced H, which is Gaussian again and costs O(n m^2) as well.
// Every draw comes from the layer's (seed, net, layer)-keyed streams, so the
// same layer can be recomputed bit for bit.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace qmf::simulation {

class GramLayer {
 public:
  /// Layer `layer` of net `net`: weights N(0, sw2/n), biases N(0, sb2).
  GramLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width);

  /// K = (sw2/n) Phi^T Phi + sb2 11^T for the post-activations Phi (n x m).
  [[nodiscard]] Eigen::MatrixXd covariance(const Eigen::MatrixXd& phi) const;

  /// H (n x m) with independent rows N(0, k); `k` is covariance(Phi) except in
  /// the tests that feed it a deliberately wrong one.
  void forward(const Eigen::MatrixXd& k, Eigen::MatrixXd& h) const;

  /// A = W^T D (n x m) for weights drawn given that this layer turned Phi into
  /// H: A = Y + (sw2/n) Phi K^+ (H^T D - Phi^T Y - 1 eta^T), Y with independent
  /// rows N(0, (sw2/n) D^T D), eta ~ N(0, sb2 D^T D).
  void backward(const Eigen::MatrixXd& phi, const Eigen::MatrixXd& h, const Eigen::MatrixXd& d,
                Eigen::MatrixXd& a) const;

 private:
  std::uint64_t seed_;
  int net_;
  int layer_;
  double weight_variance_;  // sw2 / n
  double bias_variance_;
  int width_;
};

}  // namespace qmf::simulation
