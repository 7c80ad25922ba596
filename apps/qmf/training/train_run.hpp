// What `qmf train` and `qmf trainability` share: the training options, their
// resolution into the library's settings (critical sigma_w^2, the STE slope,
// the paper's learning rate), the data, and the JSON of one finished run.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "data/idx_reader.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/training/trainer.hpp"

namespace qmf::cli {

/// Options of one training run apart from the activation, sigma_w^2 and depth.
struct TrainOptions {
  double sb2 = 0.0;
  int width = 256;
  std::string report = "100,200,400,800,1600";
  int batch = 32;
  std::string optimizer = "sgd";
  std::optional<double> lr;
  double momentum = 0.5;
  std::optional<double> ste_slope;
  std::optional<double> ste_clip;
  std::optional<std::string> ste_window;  // "lo:hi" in place of [-ste_clip, ste_clip]
  std::string data = default_data_directory;
  long train_subset = 60000;
  long test_subset = 10000;
  long eval_subset = 10000;
  std::string precision = "float32";
  std::string weights = "gaussian";
  std::uint64_t seed = 1;
  int threads = 1;
  int sharpness_draws = 0;  // 0: not measured
  double sharpness_radius = 0.05;
  // What one run may ask for; not a shared argument of a sweep (it changes
  // nothing computed, so a resume may raise it).
  double max_memory_gib = 4.0;
};

/// Resolves every cell of a sweep before any training, so that bad input
/// fails first; the deepest first, so that a memory refusal names the cell
/// that needs the most.
template <class Cell, class Resolve>
void resolve_deepest_first(const std::vector<Cell>& cells, Resolve resolve) {
  std::vector<const Cell*> order;
  for (const Cell& cell : cells) order.push_back(&cell);
  std::stable_sort(order.begin(), order.end(),
                   [](const Cell* a, const Cell* b) { return a->depth > b->depth; });
  for (const Cell* cell : order) resolve(*cell);
}

/// train_options_json's arguments as a resumed sweep compares them
/// (SweepLog::Comparable): an absent ste_clip is the default 1, and the data
/// directory is its canonical path (a trailing slash or another spelling of
/// the same directory is the same run).
Json comparable_train_options(Json shared);

/// Registers the options above on `command`.
void add_train_options(CLI::App& command, TrainOptions& options);

/// --weights (qmf train; the generalization sweep sets the weights per cell).
void add_weights_option(CLI::App& command, TrainOptions& options);

/// --sharpness-draws and --sharpness-radius (the sweeps that measure it).
void add_sharpness_options(CLI::App& command, TrainOptions& options);

/// The shared options as JSON (what a sweep's cells have in common).
Json train_options_json(const TrainOptions& options);

/// The training and test sets: read, cut to the subsets, standardised per pixel.
LabelledSets load_training_data(const TrainOptions& options);

/// One run, resolved: the activation, sigma_w^2 ("crit" resolved), the
/// mean-field fixed point of its initialisation and the library's settings.
struct TrainRun {
  std::unique_ptr<Activation> phi;
  bool critical = false;  // sw2 was "crit"
  /// What the forward pass sees: sigma_w^2 E[Q^2] (the latent sw2 for gaussian
  /// weights), the mean field's and the STE's sigma_w^2.
  double sw2_effective = 0.0;
  /// sigma_w^2 nu: the rounding variance of stochastic rounding on the
  /// weights' grid (0 for gaussian), the noise the quantization injects.
  double grid_nu = 0.0;
  /// None when the length map has no stable fixed point from q0 = 1 (e.g.
  /// critical tanh at sb2 = 0, where q* = 0): `mean_field_problem` says why.
  std::optional<MeanFieldFixedPoint> mean_field;
  std::string mean_field_problem;
  /// The default STE slope was taken at q* = 0 (the length map collapses
  /// from q0 = 1): s = 1 / sigma_w, said in the report.
  bool ste_slope_at_collapse = false;
  /// The report's STE (step activations) and mean field (q*, c*, chi_c, xi_c,
  /// L / xi_c, or why there is none), built here, before any training: a
  /// value that cannot be written fails then, not after hours of CPU.
  /// Infinities (xi_c on the order-chaos line) are "inf" + KEY_infinite.
  Json initialisation_report;
  training::TrainingSettings settings;
};

/// Throws std::invalid_argument (exit 2) for bad options, numerical_error
/// (exit 3) for a reported value that is NaN (or -inf, or an infinite STE).
TrainRun resolve_train_run(const TrainOptions& options, const std::string& act,
                           const std::string& sw2, int depth);

/// The run's parameters, STE and mean field (run.initialisation_report) and
/// measurements; a diverged run has "diverged": true and the step, never NaN.
Json train_result_json(const TrainRun& run, const training::TrainingResult& result);

}  // namespace qmf::cli
