#include "simulation/dense_layer.hpp"

#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>

namespace qmf::simulation {

// The rows of one layer's weights in units of sqrt(sw2 / n), row by row:
// next() draws row i, for_input(k) returns the weights input k sees (the same
// row for every input unless rounding is per example).
class DenseLayer::WeightRows {
 public:
  explicit WeightRows(const DenseLayer& layer)
      : draws_(*layer.weights_),
        rounding_(draws_.rounding),
        normals_(layer.seed_, layer.net_, layer.layer_, Stream::weights),
        uniforms_(layer.seed_, layer.net_, layer.layer_, Stream::rounding),
        row_(layer.width_),
        uniform_(rounding_.is_identity() || rounding_.rounding() == Rounding::nearest ||
                         draws_.patterns
                     ? 0
                     : layer.width_),
        fraction_(per_example() && !draws_.patterns ? layer.width_ : 0),
        bits_(draws_.patterns ? draws_.patterns->words(layer.width_) : 0),
        inputs_(draws_.patterns ? draws_.inputs : 0, Eigen::VectorXd(layer.width_)) {
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
      // weight (and a cell offset on fine grids): every input's row at once.
      // The rare residual draws take their words from the rounding stream,
      // in row order.
      normals_.fill_bits(bits_.data(), static_cast<long>(bits_.size()));
      draws_.patterns->sample(bits_.data(), input_rows_.data(), n, residual_words_);
      return;
    }
    normals_.fill(w, n);
    if (rounding_.is_identity()) return;
    // A local copy: the stores to w could alias the members of rounding_,
    // which would be reloaded for every weight and stop vectorisation.
    const WeightRounding round = rounding_;
    const double* uniform = uniform_.data();
    double* fraction = fraction_.data();
    switch (round.rounding()) {
      case Rounding::nearest:  // grids too fine for a table
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.nearest(w[j]);
        return;
      case Rounding::stochastic:
        uniforms_.fill_uniform(uniform_.data(), n);
        for (Eigen::Index j = 0; j < n; ++j) w[j] = round.stochastic(w[j], uniform[j]);
        return;
      case Rounding::stochastic_per_example:  // without a table: the level below, P(up)
        for (Eigen::Index j = 0; j < n; ++j) {
          const double t = round.position(w[j]);
          const double k = WeightRounding::whole(t);
          w[j] = round.level(k);
          fraction[j] = t - k;
        }
        return;
    }
  }

  const Eigen::VectorXd& for_input(Eigen::Index input) {
    if (draws_.patterns) return inputs_[input];
    if (!per_example()) return row_;
    // Each input's rounding by definition: up with probability fraction[j],
    // a select on doubles that the vectoriser turns into a compare and a mask.
    const Eigen::Index n = row_.size();
    double* u = uniform_.data();
    const double* lower = row_.data();
    const double* fraction = fraction_.data();
    const double step = rounding_.spacing();
    uniforms_.fill_uniform(u, n);
    for (Eigen::Index j = 0; j < n; ++j) u[j] = lower[j] + (u[j] < fraction[j] ? step : 0.0);
    return uniform_;
  }

 private:
  [[nodiscard]] bool per_example() const {
    return !rounding_.is_identity() && rounding_.rounding() == Rounding::stochastic_per_example;
  }

  const WeightDraws& draws_;
  const WeightRounding& rounding_;
  NormalGenerator normals_;   // the weights' stream: normals, or the samplers' random bits
  NormalGenerator uniforms_;  // shared stochastic rounding's uniforms; per example, residual words
  RoundingPatternSampler::FillWords residual_words_ = [this](std::uint64_t* out, long count) {
    uniforms_.fill_bits(out, count);
  };
  Eigen::VectorXd row_;       // the latent row, then its rounded (or, per example, lower) levels
  Eigen::VectorXd uniform_;   // uniforms; per example without a table, the input's row
  Eigen::VectorXd fraction_;  // per example without a table: P(rounding up)
  // Per example: the sampler's random words, every input's row.
  std::vector<std::uint64_t> bits_;
  std::vector<Eigen::VectorXd> inputs_;
  std::vector<double*> input_rows_;
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

// Per-example rounding through the table of (cell, pattern) where its slow
// draws (linear entries and residual, ~40 ns each with their branch: 4 % of
// the weights cost about one normal draw) are at most 4 % of the weights:
// 0.93 % for fine grids at m = 2 (none up to bits:13, whole tables), 1.9 %
// at m = 3, 3.8 % at m = 4. With more inputs the blocks grow and so do the
// slow draws (bits:16 at m = 5: 7.6 %, bits:8 at m = 8: 60 %; all of them
// from m = 11, where no whole table fits), and rounding each input by
// definition (a uniform per weight and input, ~2.7 normal draws per weight
// at m = 2) is cheaper.
constexpr double max_table_slow = 0.04;

std::optional<RoundingPatternSampler> pattern_sampler(const WeightSpec& weights, int inputs) {
  if (weights.kind == WeightSpec::Kind::gaussian ||
      weights.rounding != Rounding::stochastic_per_example)
    return std::nullopt;
  const RoundingPatterns d = rounding_patterns(weights, inputs);
  if (d.slow() > max_table_slow) return std::nullopt;
  return RoundingPatternSampler(d);
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

// A rounding-pattern table holds one bit per input: it must be built for as
// many inputs as the layer sees.
void DenseLayer::require_inputs(Eigen::Index columns) const {
  if (weights_->patterns && columns != weights_->inputs)
    throw std::logic_error("DenseLayer: weights drawn for " + std::to_string(weights_->inputs) +
                           " inputs applied to " + std::to_string(columns));
}

void DenseLayer::forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const {
  require_inputs(x.cols());
  WeightRows rows(*this);
  NormalGenerator biases(seed_, net_, layer_, Stream::biases);
  h.resize(width_, x.cols());
  for (int i = 0; i < width_; ++i) {
    rows.next();
    const double bias = bias_scale_ * biases();
    // Scale once per output instead of once per weight.
    for (Eigen::Index k = 0; k < x.cols(); ++k)
      h(i, k) = weight_scale_ * rows.for_input(k).dot(x.col(k)) + bias;
  }
}

void DenseLayer::backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  require_inputs(d.cols());
  WeightRows rows(*this);
  a.setZero(width_, d.cols());
  for (int i = 0; i < width_; ++i) {
    rows.next();
    for (Eigen::Index k = 0; k < d.cols(); ++k)
      a.col(k) += (weight_scale_ * d(i, k)) * rows.for_input(k);
  }
}

}  // namespace qmf::simulation
