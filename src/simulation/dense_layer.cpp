#include "simulation/dense_layer.hpp"

#include <cmath>

namespace qmf::simulation {

// The rows of one layer's weights in units of sqrt(sw2 / n), row by row:
// next() draws row i's latent normals, for_input() returns the weights the
// next input sees (the same row for every input unless rounding is per example).
class DenseLayer::WeightRows {
 public:
  WeightRows(const DenseLayer& layer)
      : rounding_(layer.rounding_),
        per_example_(!rounding_.is_identity() &&
                     rounding_.rounding() == Rounding::stochastic_per_example),
        normals_(layer.seed_, layer.net_, layer.layer_, Stream::weights),
        uniforms_(layer.seed_, layer.net_, layer.layer_, Stream::rounding),
        row_(layer.width_),
        uniform_(rounding_.is_identity() || rounding_.rounding() == Rounding::nearest
                     ? 0
                     : layer.width_),
        fraction_(per_example_ ? layer.width_ : 0) {}

  void next() {
    const Eigen::Index n = row_.size();
    double* w = row_.data();
    normals_.fill(w, n);
    if (rounding_.is_identity()) return;
    switch (rounding_.rounding()) {
      case Rounding::nearest:
        for (Eigen::Index j = 0; j < n; ++j) w[j] = rounding_.nearest(w[j]);
        return;
      case Rounding::stochastic:
        uniforms_.fill_uniform(uniform_.data(), n);
        for (Eigen::Index j = 0; j < n; ++j) w[j] = rounding_.stochastic(w[j], uniform_[j]);
        return;
      case Rounding::stochastic_per_example:
        // The level below each weight and the chance of the one above.
        for (Eigen::Index j = 0; j < n; ++j) {
          const double t = rounding_.position(w[j]);
          const double k = WeightRounding::whole(t);
          w[j] = rounding_.level(k);
          fraction_[j] = t - k;
        }
        return;
    }
  }

  const Eigen::VectorXd& for_input() {
    if (!per_example_) return row_;
    const Eigen::Index n = row_.size();
    uniforms_.fill_uniform(uniform_.data(), n);
    const double step = rounding_.spacing();
    for (Eigen::Index j = 0; j < n; ++j)
      uniform_[j] = row_[j] + step * WeightRounding::whole(fraction_[j] + (1.0 - uniform_[j]));
    return uniform_;
  }

 private:
  const WeightRounding& rounding_;
  bool per_example_;
  NormalGenerator normals_;
  NormalGenerator uniforms_;
  Eigen::VectorXd row_;       // the latent row, then its rounded (or lower) levels
  Eigen::VectorXd uniform_;   // uniforms; per example, the input's rounded row
  Eigen::VectorXd fraction_;  // per example: P(rounding up)
};

DenseLayer::DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width,
                       const WeightSpec& weights)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_scale_(std::sqrt(sw2 / width)),
      bias_scale_(std::sqrt(sb2)),
      width_(width),
      rounding_(weights) {}

void DenseLayer::forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const {
  WeightRows rows(*this);
  NormalGenerator biases(seed_, net_, layer_, Stream::biases);
  h.resize(width_, x.cols());
  for (int i = 0; i < width_; ++i) {
    rows.next();
    const double bias = bias_scale_ * biases();
    // Scale once per output instead of once per weight.
    for (Eigen::Index k = 0; k < x.cols(); ++k)
      h(i, k) = weight_scale_ * rows.for_input().dot(x.col(k)) + bias;
  }
}

void DenseLayer::backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  WeightRows rows(*this);
  a.setZero(width_, d.cols());
  for (int i = 0; i < width_; ++i) {
    rows.next();
    for (Eigen::Index k = 0; k < d.cols(); ++k)
      a.col(k) += (weight_scale_ * d(i, k)) * rows.for_input();
  }
}

}  // namespace qmf::simulation
