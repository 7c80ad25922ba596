#include "simulation/dense_layer.hpp"

#include <cmath>

namespace qmf::simulation {

// The rows of one layer's weights in units of sqrt(sw2 / n), row by row:
// next() draws row i, for_input() returns the weights the next input sees (the
// same row for every input unless rounding is per example).
class DenseLayer::WeightRows {
 public:
  WeightRows(const DenseLayer& layer)
      : rounding_(layer.rounding_),
        sampler_(layer.sampler_.get()),
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
    if (sampler_ != nullptr) {
      // The level straight from its distribution: one uniform per weight.
      normals_.fill_uniform(w, n);
      sampler_->sample(w, w, n);
      return;
    }
    normals_.fill(w, n);
    if (rounding_.is_identity()) return;
    // A local copy: the stores to w could alias the members of rounding_,
    // which would be reloaded for every weight and stop vectorisation.
    const WeightRounding round = rounding_;
    double* fraction = fraction_.data();
    const double* uniform = uniform_.data();
    switch (round.rounding()) {
      case Rounding::nearest:  // grids too fine for a table
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.nearest(w[j]);
        return;
      case Rounding::stochastic:
        uniforms_.fill_uniform(uniform_.data(), n);
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.stochastic(w[j], uniform[j]);
        return;
      case Rounding::stochastic_per_example:
        // The level below each weight and the chance of the one above.
        for (Eigen::Index j = 0; j < n; ++j) {
          const double t = round.position(w[j]);
          const double k = WeightRounding::whole(t);
          w[j] = round.level(k);
          fraction[j] = t - k;
        }
        return;
    }
  }

  const Eigen::VectorXd& for_input() {
    if (!per_example_) return row_;
    const Eigen::Index n = row_.size();
    double* u = uniform_.data();
    const double* lower = row_.data();
    const double* fraction = fraction_.data();
    uniforms_.fill_uniform(u, n);
    const double step = rounding_.spacing();
    // Up with probability fraction[j]; a select on doubles, which the
    // vectoriser turns into a compare and a mask (two weights at a time).
    for (Eigen::Index j = 0; j < n; ++j) u[j] = lower[j] + (u[j] < fraction[j] ? step : 0.0);
    return uniform_;
  }

 private:
  const WeightRounding& rounding_;
  const LevelSampler* sampler_;  // nearest or shared stochastic on a small grid
  bool per_example_;
  NormalGenerator normals_;  // the weights' stream: normals, or the sampler's uniforms
  NormalGenerator uniforms_;
  Eigen::VectorXd row_;       // the latent row, then its rounded (or lower) levels
  Eigen::VectorXd uniform_;   // uniforms; per example, the input's rounded row
  Eigen::VectorXd fraction_;  // per example: P(rounding up)
};

namespace {

// Nearest and shared stochastic rounding on grids small enough for a table
// are drawn from their exact distribution (weights/level_sampler.hpp).
std::shared_ptr<const LevelSampler> level_sampler(const WeightSpec& weights) {
  if (weights.kind == WeightSpec::Kind::gaussian ||
      weights.rounding == Rounding::stochastic_per_example)
    return nullptr;
  const LevelDistribution d = level_distribution(weights);
  if (d.levels.size() > max_sampled_levels) return nullptr;
  return std::make_shared<const LevelSampler>(d);
}

}  // namespace

DenseLayer::DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width,
                       const WeightSpec& weights)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_scale_(std::sqrt(sw2 / width)),
      bias_scale_(std::sqrt(sb2)),
      width_(width),
      rounding_(weights),
      sampler_(level_sampler(weights)) {}

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
