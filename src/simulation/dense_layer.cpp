#include "simulation/dense_layer.hpp"

#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>

#include "simulation/per_example_rows.hpp"

namespace qmf::simulation {

// The rows of one layer's weights in units of sqrt(sw2 / n), row by row:
// next() draws row i, products() and add_to() apply the weights each input
// sees (the same row for every input unless rounding is per example).
class DenseLayer::WeightRows {
 public:
  explicit WeightRows(const DenseLayer& layer)
      : draws_(*layer.weights_),
        rounding_(draws_.rounding),
        normals_(layer.seed_, layer.net_, layer.layer_, Stream::weights),
        uniforms_(layer.seed_, layer.net_, layer.layer_, Stream::rounding),
        row_(layer.width_),
        uniform_(!rounding_.is_identity() && rounding_.rounding() == Rounding::stochastic
                     ? layer.width_
                     : 0),
        bits_(draws_.patterns ? RoundingPatternSampler::words(layer.width_) : 0),
        inputs_(per_example() ? draws_.inputs + draws_.inputs % 2 : 0,
                Eigen::VectorXd(layer.width_)),
        hashed_(per_example() && !draws_.patterns),
        padding_(hashed_ && draws_.inputs % 2 != 0 ? layer.width_ : 0) {
    for (auto& row : inputs_) input_rows_.push_back(row.data());
  }

  void next() {
    const Eigen::Index n = row_.size();
    double* w = row_.data();
    if (draws_.levels) {
      // The level straight from its distribution: one uniform per weight.
      normals_.fill_uniform(w, n);
      draws_.levels->sample(w, w, n);
      return;
    }
    if (draws_.patterns) {
      // Each weight's cell and the inputs that round up, 32 random bits per
      // weight: every input's row at once.
      normals_.fill_bits(bits_.data(), static_cast<long>(bits_.size()));
      draws_.patterns->sample(bits_.data(), input_rows_.data(), n);
      return;
    }
    normals_.fill(w, n);
    if (rounding_.is_identity()) return;
    if (hashed_) {
      // Without a table: every input's rounding by definition, its uniforms
      // hashed from one key per row, applied in products() and add_to().
      uniforms_.fill_bits(&key_, 1);
      return;
    }
    // A local copy: the stores to w could alias the members of rounding_,
    // which would be reloaded for every weight and stop vectorisation.
    const WeightRounding round = rounding_;
    const double* uniform = uniform_.data();
    switch (round.rounding()) {
      case Rounding::nearest:  // grids too fine for a table
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.nearest(w[j]);
        return;
      case Rounding::stochastic:
        uniforms_.fill_uniform(uniform_.data(), n);
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.stochastic(w[j], uniform[j]);
        return;
      case Rounding::stochastic_per_example:  // above
        return;
    }
  }

  /// products[k] = w_k . x.col(k), w_k the row input k sees.
  void products(const Eigen::MatrixXd& x, double* products) {
    if (!hashed_) {
      for (Eigen::Index k = 0; k < x.cols(); ++k) products[k] = for_input(k).dot(x.col(k));
      return;
    }
    inputs_of_pairs_.clear();  // keeps its capacity: no allocation per row
    for (Eigen::Index k = 0; k < x.cols(); ++k) inputs_of_pairs_.push_back(x.col(k).data());
    if (padding_.size() > 0) inputs_of_pairs_.push_back(padding_.data());  // product dropped
    dot_per_example(rounding_, row_.data(), row_.size(), key_, inputs_of_pairs_.data(), products,
                    input_rows_.data(), pairs());
  }

  /// a.col(k) += scales[k] w_k.
  void add_to(const double* scales, Eigen::MatrixXd& a) {
    if (!hashed_) {
      for (Eigen::Index k = 0; k < a.cols(); ++k) a.col(k) += scales[k] * for_input(k);
      return;
    }
    outputs_of_pairs_.clear();
    for (Eigen::Index k = 0; k < a.cols(); ++k) outputs_of_pairs_.push_back(a.col(k).data());
    if (padding_.size() > 0) outputs_of_pairs_.push_back(padding_.data());  // gains 0 w: stays 0
    add_per_example(rounding_, row_.data(), row_.size(), key_, scales, outputs_of_pairs_.data(),
                    input_rows_.data(), pairs());
  }

 private:
  [[nodiscard]] bool per_example() const {
    return !rounding_.is_identity() && rounding_.rounding() == Rounding::stochastic_per_example;
  }
  [[nodiscard]] int pairs() const { return static_cast<int>(input_rows_.size() / 2); }

  const Eigen::VectorXd& for_input(Eigen::Index input) const {
    return per_example() ? inputs_[input] : row_;
  }

  const WeightDraws& draws_;
  const WeightRounding& rounding_;
  NormalGenerator normals_;          // the weights' stream: normals, or the samplers' random bits
  NormalGenerator uniforms_;         // shared stochastic rounding's uniforms; per example, row keys
  Eigen::VectorXd row_;              // the latent row, then (unless per example) its rounded levels
  Eigen::VectorXd uniform_;          // shared stochastic rounding's uniforms
  std::vector<std::uint64_t> bits_;  // the pattern sampler's random words
  // Per example: every input's row (hashed: a workspace).
  std::vector<Eigen::VectorXd> inputs_;
  std::vector<double*> input_rows_;
  // Per example without a table (simulation/per_example_rows.hpp): the row's
  // key, and zeros standing in for the input that pads an odd count to pairs.
  bool hashed_;
  std::uint64_t key_ = 0;
  Eigen::VectorXd padding_;
  std::vector<const double*> inputs_of_pairs_;
  std::vector<double*> outputs_of_pairs_;
};

namespace {

// Nearest and shared stochastic rounding on grids small enough for a table
// are drawn from their exact distribution (weights/level_sampler.hpp).
std::optional<LevelSampler> level_sampler(const WeightSpec& weights) {
  if (weights.kind == WeightSpec::Kind::gaussian ||
      weights.rounding == Rounding::stochastic_per_example)
    return std::nullopt;
  const LevelDistribution d = level_distribution(weights);
  if (d.levels.size() > max_sampled_levels) return std::nullopt;
  return LevelSampler(d);
}

// Per-example rounding through the table of (cell, pattern) where it is
// small (simulation_draws_table, weights/rounding_patterns.hpp);
// elsewhere each input is rounded by definition with hashed uniforms
// (per_example_rows.hpp), which costs less there.
std::optional<RoundingPatternSampler> pattern_sampler(const WeightSpec& weights, int inputs) {
  if (weights.kind == WeightSpec::Kind::gaussian ||
      weights.rounding != Rounding::stochastic_per_example)
    return std::nullopt;
  if (!simulation_draws_table(weights, inputs)) return std::nullopt;
  return RoundingPatternSampler(rounding_patterns(weights, inputs));
}

const auto gaussian_draws = std::make_shared<const WeightDraws>(WeightSpec{}, 1);

}  // namespace

WeightDraws::WeightDraws(const WeightSpec& spec, int inputs)
    : rounding(spec),
      inputs(inputs),
      levels(level_sampler(spec)),
      patterns(pattern_sampler(spec, inputs)) {}

std::shared_ptr<const WeightDraws> shared_weight_draws(const WeightSpec& spec, int inputs) {
  static std::mutex mutex;
  static std::shared_ptr<const WeightDraws> last;
  static WeightSpec last_spec;
  // By its fields, not its text (callers may set fields after parsing).
  const auto same = [&] {
    return last->inputs == inputs && last_spec.kind == spec.kind &&
           last_spec.rounding == spec.rounding && last_spec.bits == spec.bits &&
           last_spec.clip == spec.clip && last_spec.zero_fraction == spec.zero_fraction;
  };
  // Threads measuring nets of the same run wait for the one building.
  const std::lock_guard<std::mutex> lock(mutex);
  if (!last || !same()) {
    last = std::make_shared<const WeightDraws>(spec, inputs);
    last_spec = spec;
  }
  return last;
}

DenseLayer::DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width,
                       std::shared_ptr<const WeightDraws> weights)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_scale_(std::sqrt(sw2 / width)),
      bias_scale_(std::sqrt(sb2)),
      width_(width),
      weights_(weights ? std::move(weights) : gaussian_draws) {}

// Per-example rounding draws a row for each input (a rounding-pattern table
// holds one bit per input): the draws must be made for as many inputs as the
// layer sees.
void DenseLayer::require_inputs(Eigen::Index columns) const {
  if (weights_->rounding.rounding() == Rounding::stochastic_per_example &&
      !weights_->rounding.is_identity() && columns != weights_->inputs)
    throw std::logic_error("DenseLayer: weights drawn for " + std::to_string(weights_->inputs) +
                           " inputs applied to " + std::to_string(columns));
}

void DenseLayer::forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const {
  require_inputs(x.cols());
  WeightRows rows(*this);
  NormalGenerator biases(seed_, net_, layer_, Stream::biases);
  h.resize(width_, x.cols());
  std::vector<double> products(x.cols() + 1);  // + 1: an odd count's padding
  for (int i = 0; i < width_; ++i) {
    rows.next();
    const double bias = bias_scale_ * biases();
    rows.products(x, products.data());
    // Scale once per output instead of once per weight.
    for (Eigen::Index k = 0; k < x.cols(); ++k) h(i, k) = weight_scale_ * products[k] + bias;
  }
}

void DenseLayer::backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  require_inputs(d.cols());
  WeightRows rows(*this);
  a.setZero(width_, d.cols());
  std::vector<double> scales(d.cols() + 1, 0.0);  // + 1: an odd count's padding
  for (int i = 0; i < width_; ++i) {
    rows.next();
    for (Eigen::Index k = 0; k < d.cols(); ++k) scales[k] = weight_scale_ * d(i, k);
    rows.add_to(scales.data(), a);
  }
}

}  // namespace qmf::simulation
