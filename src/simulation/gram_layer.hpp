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
//
// forward() and backward() work on whole matrices; the network
// (gram_network.hpp) assembles the same draws a block of rows at a time from
// the m x m pieces below.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

/// The lower-triangular F with F F^T = k for a symmetric positive
/// semidefinite k (a pivot within rounding of zero gives a zero column).
Eigen::MatrixXd covariance_root(const Eigen::MatrixXd& k);

class GramLayer {
 public:
  /// Layer `layer` of net `net`: weights N(0, sw2/n), biases N(0, sb2).
  GramLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width);

  /// K = (sw2/n) G + sb2 11^T for the Gram matrix G = Phi^T Phi of the
  /// post-activations Phi (n x m).
  [[nodiscard]] Eigen::MatrixXd covariance_of_gram(const Eigen::MatrixXd& gram) const;
  [[nodiscard]] Eigen::MatrixXd covariance(const Eigen::MatrixXd& phi) const;

  /// H (n x m) with independent rows N(0, k): H = Z F^T, F = covariance_root(k),
  /// Z the forward stream's draws row by row; `k` is covariance(Phi) except in
  /// the tests that feed it a deliberately wrong one.
  void forward(const Eigen::MatrixXd& k, Eigen::MatrixXd& h) const;

  /// A = W^T D (n x m) for weights drawn given that this layer turned Phi into
  /// H: A = Y + Phi r with Y = Z noise_weights(D^T D), Z the backward stream's
  /// n x m draws row by row, and r = correction(...).
  void backward(const Eigen::MatrixXd& phi, const Eigen::MatrixXd& h, const Eigen::MatrixXd& d,
                Eigen::MatrixXd& a) const;

  [[nodiscard]] NormalGenerator forward_stream() const;
  [[nodiscard]] NormalGenerator backward_stream() const;

  /// (sw2/n) K^+, K^+ the Moore-Penrose inverse of the layer's covariance.
  [[nodiscard]] Eigen::MatrixXd precision(const Eigen::MatrixXd& k) const;
  /// B = sqrt(sw2/n) R^T, R R^T = D^T D: the rows of Y = Z B are N(0, (sw2/n) D^T D).
  [[nodiscard]] Eigen::MatrixXd noise_weights(const Eigen::MatrixXd& d_gram) const;
  /// r = (sw2/n) K^+ (H^T D - Phi^T Z B - 1 eta^T), given H^T D, Phi^T Z, B and
  /// precision(K); eta = sqrt(sb2) R xi, the bias's share of the conditioning,
  /// takes xi from the m normals that follow Z in the backward stream.
  [[nodiscard]] Eigen::MatrixXd correction(NormalGenerator& backward,
                                           const Eigen::MatrixXd& noise_weights,
                                           const Eigen::MatrixXd& h_d, const Eigen::MatrixXd& phi_z,
                                           const Eigen::MatrixXd& precision) const;

 private:
  std::uint64_t seed_;
  int net_;
  int layer_;
  double weight_variance_;  // sw2 / n
  double bias_variance_;
  int width_;
};

}  // namespace qmf::simulation
