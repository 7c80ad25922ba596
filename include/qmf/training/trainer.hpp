// Trains one net by mini-batch steps and measures it at given step counts.
//
// Batches: every epoch is a fresh permutation of the training set drawn from
// the keyed stream (seed, epoch); the incomplete last batch of an epoch is
// dropped. Everything is seeded: for a given thread count the result is
// bitwise reproducible (OpenMP splits the element-wise loops and Eigen the
// matrix products the same way every time).
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "qmf/training/dataset.hpp"
#include "qmf/training/optimizer.hpp"

namespace qmf::training {

enum class Precision { float32, float64 };

struct TrainingSettings {
  NetworkShape shape;
  Initialization init;
  StraightThrough surrogate;  // step activations only
  OptimizerSettings optimizer;
  Precision precision = Precision::float32;
  int batch = 32;
  /// Steps after which the net is measured, increasing; the last is the run's length.
  std::vector<int> report_steps{100, 200, 400, 800, 1600};
  /// Training examples the train loss and accuracy are measured on (the first ones).
  long train_evaluation_examples = 10000;
  std::uint64_t seed = 1;
  int threads = 1;
  /// The weights of the forward pass (quantization-aware training unless
  /// gaussian); the grid's scale is sqrt(init.sw2 / fan_in).
  WeightSpec weights;
  /// Sharpness at the end of the run: the mean increase of the train loss
  /// (the train_evaluation_examples) over `sharpness_draws` random
  /// perturbations of the forward pass's weight matrices, each of Frobenius
  /// norm `sharpness_radius` times the matrix's own. 0 draws: not measured.
  int sharpness_draws = 0;
  double sharpness_radius = 0.05;
};

/// Throws std::invalid_argument naming the field for bad settings.
void validate(const TrainingSettings& settings);

struct Checkpoint {
  int step = 0;
  double train_loss = 0.0;  // means over the measured examples
  double train_accuracy = 0.0;
  double test_loss = 0.0;
  double test_accuracy = 0.0;
};

struct Sharpness {
  double loss = 0.0;           // the unperturbed train loss
  double mean_increase = 0.0;  // mean over the draws of L(W + E) - L(W)
  double standard_error = 0.0;
  int draws = 0;
};

/// The mean cross-entropy above which a run has diverged: 100 times chance's
/// ln(classes) (230 for ten). Step activations bound the hidden layers, so
/// their loss can grow without ever overflowing; a run at 300x chance (or
/// 10^29x) is no trained net, and a sweep must draw it as diverged, not as
/// an untrainable cell.
inline double diverged_loss(int classes) { return 100 * std::log(static_cast<double>(classes)); }

struct TrainingResult {
  std::vector<Checkpoint> checkpoints;  // those reached before any divergence
  /// The loss of a training batch (or of a measurement) exceeded
  /// diverged_loss(classes) or left the floating-point range: training stopped at
  /// `diverged_step`.
  bool diverged = false;
  int diverged_step = 0;
  /// When asked for and the run did not diverge.
  std::optional<Sharpness> sharpness;
};

/// `progress(step, total_steps)` is called every few steps.
TrainingResult train(const Activation& phi, const TrainingSettings& settings, const Dataset& train,
                     const Dataset& test, const std::function<void(int, int)>& progress = {});

}  // namespace qmf::training
