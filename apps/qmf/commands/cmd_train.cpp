// qmf train: one fully connected net trained on an IDX data set (default
// Fashion-MNIST), measured at given step counts, beside the mean-field
// quantities of its initialisation.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "commands/commands.hpp"
#include "qmf/errors.hpp"
#include "training/train_run.hpp"

namespace qmf::cli {

namespace {

struct TrainCommandOptions {
  std::string act;
  std::string sw2 = "crit";
  int depth = 0;
  TrainOptions train;
  bool json = false;
  std::string out;
};

constexpr const char* columns[] = {"step", "train_loss", "train_accuracy", "test_loss",
                                   "test_accuracy"};

std::string learning_curve_csv(const Json& checkpoints) {
  std::ostringstream csv;
  for (const char* column : columns) csv << (column == columns[0] ? "" : ",") << column;
  csv << '\n';
  for (const auto& c : checkpoints) {
    csv << c["step"].get<int>();
    for (const char* column : columns)
      if (column != columns[0]) csv << ',' << format_number(c[column].get<double>());
    csv << '\n';
  }
  return csv.str();
}

void print_table(const Json& out) {
  Json summary = out;
  summary.erase("checkpoints");
  std::cout << key_value_table(summary)
            << "\n   step   train_loss    train_acc    test_loss     test_acc\n";
  // Six significant digits, as every table (docs/cli.md).
  for (const auto& c : out["checkpoints"]) {
    char row[96];
    std::snprintf(row, sizeof row, "%7d %12.6g %12.6g %12.6g %12.6g\n", c["step"].get<int>(),
                  c["train_loss"].get<double>(), c["train_accuracy"].get<double>(),
                  c["test_loss"].get<double>(), c["test_accuracy"].get<double>());
    std::cout << row;
  }
}

void run(const TrainCommandOptions& o) {
  const TrainRun resolved = resolve_train_run(o.train, o.act, o.sw2, o.depth);
  const LabelledSets data = load_training_data(o.train);
  const auto start = std::chrono::steady_clock::now();
  training::TrainingResult result;
  {
    ProgressBar bar("train");
    result =
        training::train(*resolved.phi, resolved.settings, data.train, data.test, std::ref(bar));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Json out = header("train");
  out.update(train_options_json(o.train));
  // The subsets as used, not as asked for: the data may hold fewer examples,
  // and the train loss is measured on at most the training examples there
  // are (training::train takes min(eval_subset, training examples)).
  out["train_subset"] = data.train.inputs.cols();
  out["test_subset"] = data.test.inputs.cols();
  out["eval_subset"] = std::min<long>(o.train.eval_subset, data.train.inputs.cols());
  out.update(train_result_json(resolved, result));
  if (!o.out.empty()) {
    Json metadata = out;
    metadata["seconds"] = seconds;
    write_files(o.out, {{".csv", learning_curve_csv(out["checkpoints"])},
                        {".json", metadata.dump(2) + '\n'}});
  }
  if (o.json)
    std::cout << out.dump(2) << '\n';
  else
    print_table(out);
  // The report is written (a diverged run is a measurement), but the run has
  // no final accuracy: like any computation without a result, exit 3.
  if (result.diverged)
    throw reported_numerical_error(
        "training diverged at step " + std::to_string(result.diverged_step) +
        ": the loss rose above 100 ln(classes) (230 for ten; chance is 2.3) or left the "
        "floating-point range (report written; try a smaller --lr)");
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train one fully connected net (784 -> n, depth L, softmax read-out) on an IDX data set "
      "with SGD (the paper's: batch 32, momentum 0.5, lr 1e-3 below depth 100, 5e-4 above) or "
      "Adam; backward through step activations by the straight-through estimator. A run whose "
      "loss leaves the floating-point range stops, is reported as \"diverged\" with its step, "
      "and exits with status 3");
  cmd->add_option("--act", o->act, "activation spec (quant:16, sign, tanh, ...)")->required();
  cmd->add_option("--sw2", o->sw2,
                  "weight variance sigma_w^2, or 'crit': the critical one (largest xi_c for "
                  "steps, chi_1 = 1 for smooth activations)")
      ->capture_default_str();
  cmd->add_option("--depth", o->depth, "layers L with an activation (the read-out not counted)")
      ->required()
      ->check(CLI::Range(1, 100000));
  add_train_options(*cmd, o->train);
  add_weights_option(*cmd, o->train);
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv (learning curve) and PREFIX.json");
  cmd->callback([o] { run(*o); });
}

}  // namespace qmf::cli
