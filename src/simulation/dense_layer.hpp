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
// (stochastic-per-example) draws, for each weight, its cell and which of the
// m inputs round up from their exact joint law, through another alias table
// (weights/pattern_sampler.hpp, 32 random bits per weight), where that table
// is whole (coarse grids, few inputs). Finer grids and more inputs round a
// latent normal for each input by definition, with 32-bit uniforms hashed
// from one key per row, drawn from the rounding stream
// (simulation/per_example_rows.hpp). Either way the backward pass meets every
// input's own weights again.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <optional>

#include "qmf/weights/weight_rounding.hpp"
#include "simulation/normal_generator.hpp"
#include "weights/level_sampler.hpp"
#include "weights/pattern_sampler.hpp"

namespace qmf::simulation {

/// How every layer of a net draws its weights: the spec's rounding and the
/// tables it samples from, built once for all layers.
struct WeightDraws {
  /// For layers applied to `inputs` columns at a time.
  WeightDraws(const WeightSpec& spec, int inputs);

  WeightRounding rounding;
  int inputs;
  std::optional<LevelSampler> levels;              // nearest, shared stochastic: small grids
  std::optional<RoundingPatternSampler> patterns;  // per example
};

/// The draws for `spec` at `inputs` inputs, shared by the nets of a run and
/// by runs in a row: the last ones built are kept. Building bits:12's whole
/// table (16 378 entries) takes 7-13 ms, much of it page faults of fresh
/// memory: per net, that was a third of a width-512 net's time.
std::shared_ptr<const WeightDraws> shared_weight_draws(const WeightSpec& spec, int inputs);

class DenseLayer {
 public:
  /// Layer `layer` of net `net`: latent weights N(0, sw2/n) rounded as
  /// `weights` says (Gaussian when null), biases N(0, sb2).
  DenseLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width,
             std::shared_ptr<const WeightDraws> weights = nullptr);

  /// H = W X + b (b added to every column); X and H are n x m.
  void forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& h) const;
  /// A = W^T D; D and A are n x m.
  void backward(const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const;

 private:
  class WeightRows;
  void require_inputs(Eigen::Index columns) const;

  std::uint64_t seed_;
  int net_;
  int layer_;
  double weight_scale_;
  double bias_scale_;
  int width_;
  std::shared_ptr<const WeightDraws> weights_;
};

}  // namespace qmf::simulation
