#include "training/train_run.hpp"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "cli/comma_list.hpp"
#include "cli/limits.hpp"
#include "cli/shared_options.hpp"
#include "cli/straight_through.hpp"
#include "cli/sw2_choice.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

namespace {

// The longest run a --report list may ask for.
constexpr int max_steps = 100000000;

std::vector<int> parse_report_steps(const std::string& text) {
  const char* allowed = "increasing step counts, e.g. 100,200,400";
  std::vector<int> steps;
  for (const auto& item : split_comma_list(text, "--report", allowed)) {
    std::size_t used = 0;
    long value = 0;
    try {
      value = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || value < 1 || value > max_steps ||
        (!steps.empty() && value <= steps.back()))
      throw std::invalid_argument("--report: '" + item + "' breaks the list (allowed: " + allowed +
                                  ", each 1.." + std::to_string(max_steps) + ")");
    steps.push_back(static_cast<int>(value));
  }
  return steps;
}

// The STE of a step activation and the mean field of the initialisation.
// xi_c is infinite on the order-chaos line (chi_c = 1): "inf" + xi_c_infinite,
// and a net of any depth is then 0 depth scales deep.
Json initialisation_json(const TrainRun& run) {
  Json out;
  const auto& s = run.settings;
  if (run.phi->is_step()) {
    out["ste_slope"] = number(s.surrogate.slope, "ste_slope");
    if (s.surrogate.window) {  // an infinite end as null (unbounded), as simulate
      auto end = [](double x) { return std::isfinite(x) ? Json(x) : Json(); };
      out["ste_window"] = {end(s.surrogate.lower()), end(s.surrogate.upper())};
    } else {
      out["ste_clip"] = number(s.surrogate.clip, "ste_clip");
    }
    if (run.ste_slope_at_collapse)
      out["ste_slope_rule"] =
          "gradient-preserving at q* = 0: the length map collapses from q0 = 1, so every "
          "pre-activation ends inside the STE window";
  }
  if (!run.mean_field) {
    out["mean_field"] = "no fixed point: " + run.mean_field_problem;
    return out;
  }
  const auto& mf = *run.mean_field;
  set_number(out, "q_star", mf.length.q);
  set_number(out, "c_star", mf.correlation.c);
  set_number(out, "chi_c", mf.correlation.chi_c);
  set_number(out, "xi_c", mf.xi_c);
  set_number(out, "depth_over_xi_c", s.shape.depth / mf.xi_c);
  return out;
}

}  // namespace

void add_train_options(CLI::App& cmd, TrainOptions& o) {
  o.threads = default_threads();
  cmd.add_option("--sb2", o.sb2, "bias variance sigma_b^2")
      ->check(non_negative_finite())
      ->capture_default_str();
  cmd.add_option("--width", o.width, "width n of every hidden layer")
      ->check(CLI::Range(1, 1 << 15))
      ->capture_default_str();
  cmd.add_option("--report", o.report,
                 "steps at which train/test loss and accuracy are measured (the last one ends "
                 "the run)")
      ->capture_default_str();
  cmd.add_option("--batch", o.batch, "mini-batch size (the paper: 32)")
      ->check(CLI::Range(1, 1 << 16))
      ->capture_default_str();
  cmd.add_option("--optimizer", o.optimizer,
                 "sgd (momentum, the paper's) or adam (beta1 0.9, beta2 0.999)")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  cmd.add_option("--lr", o.lr,
                 "learning rate (default: the paper's 1e-3 below depth 100, 5e-4 from 100 on)")
      ->check(positive_finite());
  cmd.add_option("--momentum", o.momentum, "SGD momentum mu (the paper: 0.5)")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  cmd.add_option("--ste-slope", o.ste_slope,
                 "STE slope s of g(x) = s 1{|x| <= tau} (step activations; default: the "
                 "gradient-preserving 1/(sigma_w sqrt(erf(tau/sqrt(2 q*)))))")
      ->check(non_negative_finite());
  cmd.add_option("--ste-clip", o.ste_clip, "STE clip tau (step activations; default 1)");
  cmd.add_option("--ste-window", o.ste_window,
                 "STE window lo:hi instead of [-tau, tau]: g(x) = s 1{lo <= x <= hi}, ends may "
                 "be inf/-inf (e.g. 0:1 for a quantized relu); the default slope preserves "
                 "gradients over this window");
  cmd.add_option("--data", o.data,
                 "directory with the four IDX files (train-images-idx3-ubyte[.gz], ...); "
                 "default: Fashion-MNIST of Debian's dataset-fashion-mnist")
      ->capture_default_str();
  cmd.add_option("--train-subset", o.train_subset, "train on the first M training examples")
      ->check(CLI::Range(1L, 1L << 40))
      ->capture_default_str();
  cmd.add_option("--test-subset", o.test_subset, "test on the first M test examples")
      ->check(CLI::Range(1L, 1L << 40))
      ->capture_default_str();
  cmd.add_option("--eval-subset", o.eval_subset,
                 "measure the train loss and accuracy on the first M training examples")
      ->check(CLI::Range(1L, 1L << 40))
      ->capture_default_str();
  cmd.add_option("--precision", o.precision, "float32 (training) or float64 (checks)")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();

  cmd.add_option("--max-memory", o.max_memory_gib,
                 "memory one training run may ask for, in GiB, checked before it starts (the "
                 "paper's width 2048 at depth 135 needs about 7)")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  add_seed_option(cmd, o.seed, "random seed (weights and batch order)");
  add_threads_option(cmd, o.threads,
                     "OpenMP threads (results are reproducible for a given thread count)");
}

void add_weights_option(CLI::App& cmd, TrainOptions& o) {
  cmd.add_option("--weights", o.weights,
                 "weights of the forward pass: gaussian (float) or binary, ternary[,p=P], "
                 "bits:B[,clip=C], each with [,rounding=nearest|stochastic|stochastic-per-example] "
                 "(quantization-aware training: latent float weights, straight-through gradient; "
                 "per example: each example its own rounding, 2.3-2.7x the float step's time "
                 "with AVX-512, 3.0-4.3x with AVX2 alone)")
      ->capture_default_str();
}

void add_sharpness_options(CLI::App& cmd, TrainOptions& o) {
  cmd.add_option("--sharpness-draws", o.sharpness_draws,
                 "random weight perturbations of the sharpness (after the last report)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd.add_option("--sharpness-radius", o.sharpness_radius,
                 "Frobenius norm of each weight matrix's perturbation, relative to the matrix's")
      ->check(CLI::Range(1e-6, 10.0))
      ->capture_default_str();
}

Json train_options_json(const TrainOptions& o) {
  Json out;
  out["sb2"] = o.sb2;
  out["width"] = o.width;
  out["report"] = parse_report_steps(o.report);
  out["batch"] = o.batch;
  out["optimizer"] = o.optimizer;
  if (o.lr) out["lr"] = *o.lr;
  out["momentum"] = o.momentum;
  if (o.ste_slope) out["ste_slope"] = *o.ste_slope;
  if (o.ste_clip) out["ste_clip"] = *o.ste_clip;
  if (o.ste_window) out["ste_window"] = *o.ste_window;
  out["data"] = o.data;
  out["train_subset"] = o.train_subset;
  out["test_subset"] = o.test_subset;
  out["eval_subset"] = o.eval_subset;
  out["precision"] = o.precision;
  out["seed"] = o.seed;
  out["threads"] = o.threads;
  if (o.sharpness_draws > 0) {
    out["sharpness_draws"] = o.sharpness_draws;
    out["sharpness_radius"] = o.sharpness_radius;
  }
  return out;
}

Json comparable_train_options(Json shared) {
  if (!shared.contains("ste_clip")) shared["ste_clip"] = 1.0;
  if (shared.contains("data") && shared["data"].is_string()) {
    std::error_code error;
    const auto path = std::filesystem::canonical(shared["data"].get<std::string>(), error);
    if (!error) shared["data"] = path.string();
  }
  return shared;
}

LabelledSets load_training_data(const TrainOptions& o) {
  LabelledSets sets = read_idx_directory(o.data, o.train_subset, o.test_subset, 10, 784);
  training::standardise_per_pixel(sets.train, sets.test);
  return sets;
}

TrainRun resolve_train_run(const TrainOptions& o, const std::string& act, const std::string& sw2,
                           int depth) {
  TrainRun run;
  run.phi = make_activation(act);
  const auto given = parse_sw2_choice(sw2);
  run.critical = !given;
  auto& s = run.settings;
  s.weights = parse_weight_spec(o.weights);
  // sw2 is the latent weights' variance; "crit" is the critical point of the
  // maps with these weights (qmf critical --weights).
  const WeightMoments moments = weight_moments(s.weights);
  s.init = {given ? *given : critical_sw2(*run.phi, o.sb2, s.weights), o.sb2};
  run.sw2_effective = s.init.sw2 * moments.variance;
  WeightSpec stochastic = s.weights;
  stochastic.rounding = Rounding::stochastic;
  run.grid_nu = s.init.sw2 * weight_moments(stochastic).rounding_variance;
  const Initialization effective{run.sw2_effective, o.sb2};
  s.shape = {784, o.width, depth, 10};
  s.report_steps = parse_report_steps(o.report);
  s.batch = o.batch;
  s.optimizer.kind =
      o.optimizer == "adam" ? training::OptimizerKind::adam : training::OptimizerKind::sgd;
  s.optimizer.learning_rate = o.lr.value_or(training::paper_learning_rate(depth));
  s.optimizer.momentum = o.momentum;
  s.precision =
      o.precision == "float64" ? training::Precision::float64 : training::Precision::float32;
  s.train_evaluation_examples = o.eval_subset;
  s.seed = o.seed;
  s.threads = o.threads;
  s.sharpness_draws = o.sharpness_draws;
  s.sharpness_radius = o.sharpness_radius;
  training::validate(s);
  require_training_memory(s, o.train_subset, o.test_subset,
                          o.max_memory_gib * 1024.0 * 1024.0 * 1024.0);
  // Standardised inputs have mean squared entry ~1 (dataset.hpp): q^0 = 1.
  // Where the map collapses from q0 = 1 the default slope preserves the
  // gradient at q* = 0 (1 / sigma_w for the box) instead of refusing the run.
  s.surrogate =
      straight_through_for(*run.phi, effective, 1.0, o.ste_slope, o.ste_clip, o.ste_window);
  run.ste_slope_at_collapse =
      run.phi->is_step() && !o.ste_slope && reached_length(*run.phi, effective, 1.0) == 0.0;
  try {
    // The maps of these weights: per-example rounding noise on the diagonal
    // lowers c* and xi_c (theory.md 1.7); otherwise the same as `effective`.
    const WeightPrior prior = weight_prior(s.weights, s.init.sw2);
    run.mean_field =
        mean_field_fixed_point(*run.phi, {prior.variance, o.sb2, prior.per_example_noise}, 1.0);
  } catch (const numerical_error& e) {
    // The net can still be trained; the report says why it has no q*.
    run.mean_field_problem = e.what();
  }
  run.initialisation_report = initialisation_json(run);
  return run;
}

Json train_result_json(const TrainRun& run, const training::TrainingResult& result) {
  const auto& s = run.settings;
  Json out;
  out["act"] = run.phi->spec();
  out["sw2"] = s.init.sw2;
  out["sw2_choice"] = run.critical ? "critical" : "given";
  out["weights"] = s.weights.text;
  out["sw2_effective"] = run.sw2_effective;
  out["grid_nu"] = run.grid_nu;
  out["sb2"] = s.init.sb2;
  out["width"] = s.shape.width;
  out["depth"] = s.shape.depth;
  out["lr"] = s.optimizer.learning_rate;
  out.update(run.initialisation_report);
  Json checkpoints = Json::array();
  for (const auto& c : result.checkpoints)
    checkpoints.push_back({{"step", c.step},
                           {"train_loss", number(c.train_loss, "train_loss")},
                           {"train_accuracy", c.train_accuracy},
                           {"test_loss", number(c.test_loss, "test_loss")},
                           {"test_accuracy", c.test_accuracy}});
  out["diverged"] = result.diverged;
  if (result.diverged) out["diverged_step"] = result.diverged_step;
  // The accuracy the run ends with; none (null) for a run that diverged.
  out["test_accuracy"] =
      result.diverged ? Json(nullptr) : Json(result.checkpoints.back().test_accuracy);
  out["checkpoints"] = checkpoints;
  if (result.sharpness) {
    const auto& sharp = *result.sharpness;
    out["sharpness"] = number(sharp.mean_increase, "sharpness");
    out["sharpness_error"] = number(sharp.standard_error, "sharpness_error");
    out["sharpness_base_loss"] = number(sharp.loss, "sharpness_base_loss");
  }
  return out;
}

}  // namespace qmf::cli
