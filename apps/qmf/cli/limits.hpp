// The program's resource policy: limits the library leaves to its callers.
#pragma once

#include <vector>

#include "qmf/simulation/simulate.hpp"
#include "qmf/training/trainer.hpp"

namespace qmf::cli {

/// The most weights a simulation may draw: a run within a few minutes.
constexpr double simulation_weight_draw_limit = 1e10;

/// The most normal draws a Gram simulation may take: about 2-3 ns each with
/// the arithmetic around them, so a run within about two minutes of CPU.
constexpr double simulation_gram_draw_limit = 5e10;

/// Throws std::invalid_argument naming the options and the limit when the
/// settings need more memory (qmf::memory_limit_bytes) or more weight draws
/// than these limits.
void require_simulation_resources(const Activation& phi, const SimulationSettings& settings);

/// Throws std::invalid_argument naming --width, --depth and --batch (with
/// their values) and --max-memory when training with these settings (on this
/// many training and test examples) would keep more than `limit` bytes alive.
void require_training_memory(const training::TrainingSettings& settings, long train_examples,
                             long test_examples, double limit);

/// The sizes of `qmf kernel-check` that its memory grows with.
struct KernelCheckSizes {
  int depth = 0;          // dense layers, the scalar readout included
  int widest = 0;         // the largest of --widths
  int images = 0;         // the Gram matrices' side
  bool quasi = false;     // stochastic binary weights: two runs and latent weights
  long krr_train = 0;     // 0: no kernel ridge regression
  long krr_held_out = 0;  // validation + test images
};

/// Throws std::invalid_argument naming the options when the empirical Grams
/// of one sampled net, or the kernel ridge regression, would keep more than
/// qmf::memory_limit_bytes alive.
void require_kernel_check_memory(const KernelCheckSizes& sizes);

/// The most multiply-adds kernel-check may ask for, for its sampled nets
/// (with the Gram eigenvalues) and for its ridge regression each: ~0.6 ns
/// each in Eigen's products on one core (width 1024 on 1000 images, one net:
/// 1.4e10 in 8 s), so a few minutes, as simulation_weight_draw_limit.
constexpr double kernel_check_work_limit = 3e11;

/// Throws std::invalid_argument naming the options and the limit when the
/// sampled nets of every width in `widths` (`nets` each) or the ridge
/// regression ask for more than kernel_check_work_limit multiply-adds.
void require_kernel_check_work(const KernelCheckSizes& sizes, const std::vector<int>& widths,
                               int nets);

}  // namespace qmf::cli
