#include "simulation/dense_layer.hpp"

#include <cmath>

namespace qmf::simulation {

DenseLayer::DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_scale_(std::sqrt(sw2 / width)),
      bias_scale_(std::sqrt(sb2)),
      width_(width) {}

NormalGenerator DenseLayer::weight_stream() const {
  return {seed_, static_cast<std::uint64_t>(net_), static_cast<std::uint64_t>(layer_),
          Stream::weights};
}

void DenseLayer::forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const {
  NormalGenerator weights = weight_stream();
  NormalGenerator biases(seed_, net_, layer_, Stream::biases);
  Eigen::VectorXd row(width_);
  h.resize(width_, x.cols());
  for (int i = 0; i < width_; ++i) {
    weights.fill(row.data(), width_);
    const double bias = bias_scale_ * biases();
    // Scale once per output instead of once per weight.
    for (Eigen::Index k = 0; k < x.cols(); ++k) h(i, k) = weight_scale_ * row.dot(x.col(k)) + bias;
  }
}

void DenseLayer::backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  NormalGenerator weights = weight_stream();
  Eigen::VectorXd row(width_);
  a.setZero(width_, d.cols());
  for (int i = 0; i < width_; ++i) {
    weights.fill(row.data(), width_);
    for (Eigen::Index k = 0; k < d.cols(); ++k) a.col(k) += (weight_scale_ * d(i, k)) * row;
  }
}

}  // namespace qmf::simulation
