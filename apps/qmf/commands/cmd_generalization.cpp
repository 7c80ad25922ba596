// qmf generalization: quantization-aware training over weight bits x
// activation levels N (x depth). Every cell is one `qmf train --weights` run
// at the critical effective sigma_w^2, measured for train and test accuracy,
// their gap, the losses and the sharpness; cells go to PREFIX.jsonl as they
// finish (the trainability sweep's SweepLog), so a stopped sweep resumes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/comma_list.hpp"
#include "cli/level_list.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "training/mpi_sweep.hpp"
#include "training/sweep_log.hpp"
#include "training/train_run.hpp"

namespace qmf::cli {

namespace {

struct GeneralizationOptions {
  std::string levels = "3,4,8";
  std::string bits = "1,2,3,4,8,float";
  std::string rounding = "nearest";
  std::string depths = "3";
  TrainOptions train;
  int max_cells = 0;
  bool json = false;
  std::string out;
};

// One weights column of the grid: the spec, its bits and where the figure
// puts it on its log2 axis.
struct WeightsItem {
  std::string spec;
  Json bits;              // binary 1, ternary log2 3, bits:B B; null for float
  double position = 0.0;  // bits, and float one octave beyond bits:32
  std::string label;
};

// Float weights sit at 64 on the axis, clear of bits:32 (the axis ends at 80).
constexpr double float_position = 64.0;

struct Cell {
  int levels = 0;
  int depth = 0;
  WeightsItem weights;
  [[nodiscard]] std::string act() const { return "quant:" + std::to_string(levels); }
  [[nodiscard]] Json key() const {
    return {{"act", act()}, {"weights", weights.spec}, {"depth", depth}};
  }
};

constexpr const char* bits_allowed = "1 (binary), ternary, 2..32 (bits:B), float";

std::vector<WeightsItem> parse_bits(const GeneralizationOptions& o) {
  std::vector<WeightsItem> items;
  const std::string rounding = ",rounding=" + o.rounding;
  for (const auto& item : split_comma_list(o.bits, "--bits", bits_allowed)) {
    if (item == "float") {
      items.push_back({"gaussian", Json(), float_position, "float"});
    } else if (item == "1" || item == "binary") {
      items.push_back({parse_weight_spec("binary" + rounding).text, 1.0, 1.0, "1"});
    } else if (item == "ternary") {
      const double b = std::log2(3.0);
      items.push_back({parse_weight_spec("ternary" + rounding).text, b, b, "T"});
    } else {
      const int b = item.find_first_not_of("0123456789") == std::string::npos && item.size() < 3
                        ? std::stoi(item)
                        : 0;
      // The weight specs' bound: bits:32 trains through the fine-grid rounding.
      if (b < 2 || b > 32)
        throw std::invalid_argument("--bits: '" + item + "' is not a bit width 1..32, ternary or " +
                                    "float (allowed: " + bits_allowed + ")");
      items.push_back({parse_weight_spec("bits:" + item + rounding).text, b, double(b), item});
    }
  }
  // A column twice would be the same cells twice in the table (review K, 5).
  std::vector<std::string> specs;
  for (const auto& item : items) specs.push_back(item.spec);
  require_distinct(specs, "--bits", [&](const std::string& spec) {
    return std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.spec == spec; })
        ->label;
  });
  // In increasing bits, float last, whatever order they were typed in: the
  // figure joins a curve's points in this order (review 30 Nov b, G).
  std::stable_sort(items.begin(), items.end(), [](const WeightsItem& a, const WeightsItem& b) {
    return a.position < b.position;
  });
  return items;
}

std::vector<int> parse_depths(const std::string& text) {
  std::vector<int> depths;
  for (const auto& item : split_comma_list(text, "--depths", "depths 1..1000")) {
    const int d = item.find_first_not_of("0123456789") == std::string::npos && item.size() < 5
                      ? std::stoi(item)
                      : 0;
    if (d < 1 || d > 1000)
      throw std::invalid_argument("--depths: '" + item + "' (allowed: whole numbers 1..1000)");
    depths.push_back(d);
  }
  require_distinct(depths, "--depths", [](int d) { return std::to_string(d); });
  return depths;
}

// The examples the two accuracies were measured on.
struct Measured {
  long train = 0;  // the first --eval-subset training examples
  long test = 0;
};

// The measurements of a finished cell at its last report, as the CSV and the
// figure use them; empty members for a diverged cell. The bits and the label
// come from the cell, not the log: logs written before bits:32 existed hold
// 32 for float.
Json summary(const Json& line, const Cell& cell, Measured on) {
  Json row = {{"N", line["N"]},
              {"depth", line["depth"]},
              {"weights", line["key"]["weights"]},
              {"bits", cell.weights.bits},
              {"label", cell.weights.label},
              {"sw2", line["sw2"]},
              {"sw2_effective", line["sw2_effective"]},
              {"grid_nu", line["grid_nu"]},
              {"diverged", line["diverged"]},
              {"seconds", line["seconds"]}};
  if (line["diverged"].get<bool>()) return row;
  const Json& last = line["checkpoints"].back();
  for (const char* key : {"train_accuracy", "test_accuracy", "train_loss", "test_loss"})
    row[key] = last[key];
  const double train = last["train_accuracy"].get<double>();
  const double test = last["test_accuracy"].get<double>();
  row["gap"] = train - test;
  // The binomial standard error of the two measured accuracies: the
  // evaluation sets' sampling error only, not the spread over seeds.
  row["gap_error"] = std::sqrt(train * (1 - train) / static_cast<double>(on.train) +
                               test * (1 - test) / static_cast<double>(on.test));
  row["loss_gap"] = last["test_loss"].get<double>() - last["train_loss"].get<double>();
  for (const char* key : {"sharpness", "sharpness_error"})
    if (line.contains(key)) row[key] = line[key];
  return row;
}

constexpr const char* csv_columns[] = {"N",
                                       "depth",
                                       "weights",
                                       "bits",
                                       "train_accuracy",
                                       "test_accuracy",
                                       "gap",
                                       "gap_error",
                                       "train_loss",
                                       "test_loss",
                                       "loss_gap",
                                       "sharpness",
                                       "sharpness_error",
                                       "sw2",
                                       "sw2_effective",
                                       "grid_nu",
                                       "diverged",
                                       "seconds"};

// The rows as CSV (',', full precision, empty cells, quoted specs) or as the
// readable table (' ', six digits, "-" for a missing value).
std::string rows_table(const Json& rows, bool csv) {
  const char separator = csv ? ',' : ' ';
  std::ostringstream table;
  for (const char* column : csv_columns)
    table << (column == csv_columns[0] ? "" : std::string(1, separator)) << column;
  table << '\n';
  for (const auto& row : rows) {
    for (const char* column : csv_columns) {
      if (column != csv_columns[0]) table << separator;
      const Json* value = row.contains(column) ? &row[column] : nullptr;
      if (value == nullptr || value->is_null())
        table << (csv ? "" : "-");
      else if (value->is_boolean())
        table << (value->get<bool>() ? 1 : 0);
      else if (value->is_number())
        table << (csv ? format_number : readable_number)(value->get<double>());
      else if (csv)  // the weight spec holds commas
        table << '"' << value->get<std::string>() << '"';
      else
        table << value->get<std::string>();
    }
    table << '\n';
  }
  return table.str();
}

// One data block per (N, depth) curve: bits, gap, sharpness, their errors.
// train_examples: the size of the training set, for the title.
std::vector<std::pair<std::string, std::string>> render(const GeneralizationOptions& o,
                                                        const std::vector<Cell>& cells,
                                                        const Json& rows, std::size_t per_curve,
                                                        long train_examples) {
  std::ostringstream data;
  std::string titles;
  std::string tics;
  std::string marks;  // the same tics without labels (the upper panel)
  const bool several_depths = parse_depths(o.depths).size() > 1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Json& row = rows[i];
    if (i % per_curve == 0) {
      if (i > 0) data << "\n\n";
      titles += (titles.empty() ? "" : " ") + std::string("N=") + std::to_string(cells[i].levels) +
                (several_depths ? ",L=" + std::to_string(cells[i].depth) : "");
    }
    if (i < per_curve) {
      const std::string x = format_number(cells[i].weights.position);
      tics += (tics.empty() ? "" : ", ") + gnuplot_quote(row["label"].get<std::string>()) + " " + x;
      marks += (marks.empty() ? "" : ", ") + std::string("\"\" ") + x;
    }
    const auto value = [&](const char* key) {
      return row.contains(key) ? format_number(row[key].get<double>()) : std::string("NaN");
    };
    // A blank line ends the line before float: it is no point of the b axis.
    if (cells[i].weights.bits.is_null() && i % per_curve != 0) data << '\n';
    data << format_number(cells[i].weights.position) << ' ' << value("gap") << ' '
         << value("sharpness") << ' ' << value("sharpness_error") << ' ' << value("gap_error")
         << '\n';
  }
  Figure figure{"generalization.gp", {{"cells", data.str()}}, {}};
  std::ostringstream title;
  std::string depths;
  for (const int depth : parse_depths(o.depths)) {
    if (!depths.empty()) depths += ", ";
    depths += std::to_string(depth);
  }
  title << "QAT on Fashion-MNIST: n = " << o.train.width << ", L = " << depths
        << ", m = " << train_examples << " training examples\n"
        << o.train.report.substr(o.train.report.rfind(',') + 1) << " steps, rounding " << o.rounding
        << ", ρ = " << o.train.sharpness_radius;
  figure.parameters.text("title", title.str())
      .text("titles", titles)
      .text("tics", tics)
      .text("marks", marks)
      .integer("curves", static_cast<long long>(rows.size() / per_curve))
      .integer("has_ternary", std::any_of(cells.begin(), cells.end(),
                                          [](const Cell& c) { return c.weights.label == "T"; }));
  return render_figure(figure);
}

void run(const GeneralizationOptions& o) {
  figure_script("generalization.gp");
  const auto weights = parse_bits(o);
  std::vector<Cell> cells;
  for (const int n : parse_level_list(o.levels, "--levels")) {
    if (n < 3)
      throw std::invalid_argument("--levels: N = " + std::to_string(n) +
                                  " has no critical sigma_w^2 (allowed: N >= 3)");
    for (const int depth : parse_depths(o.depths))
      for (const auto& w : weights) cells.push_back({n, depth, w});
  }
  const auto resolve = [&](const Cell& cell) {
    TrainOptions train = o.train;
    train.weights = cell.weights.spec;
    return resolve_train_run(train, cell.act(), critical_sw2_word, cell.depth);
  };
  resolve_deepest_first(cells, resolve);
  Json shared = train_options_json(o.train);  // threads included: see cmd_trainability.cpp
  shared["sweep"] = "generalization";
  const LabelledSets data = load_training_data(o.train);
  // Serially, or over mpirun's ranks as trainability's cells (mpi_sweep.hpp):
  // the results file is held on the rank that records.
  std::optional<SweepLog> log;
  std::size_t unfinished = 0;  // cells not in the log when the sweep started
  std::size_t trained = 0;
  SweepCells sweep;
  sweep.plan = [&] {
    log.emplace(o.out + ".jsonl", shared, comparable_train_options);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (log->find(cells[i].key()) == nullptr) todo.push_back(i);
    unfinished = todo.size();
    if (o.max_cells > 0 && todo.size() > static_cast<std::size_t>(o.max_cells))
      todo.resize(static_cast<std::size_t>(o.max_cells));
    return todo;
  };
  sweep.train = [&](std::size_t i) {
    const Cell& cell = cells[i];
    const TrainRun resolved = resolve(cell);
    const auto start = std::chrono::steady_clock::now();
    training::TrainingResult result;
    {
      ProgressBar bar("cell " + std::to_string(i + 1) + "/" + std::to_string(cells.size()));
      result =
          training::train(*resolved.phi, resolved.settings, data.train, data.test, std::ref(bar));
    }
    Json line = {{"key", cell.key()},
                 {"N", cell.levels},
                 {"bits", cell.weights.bits},
                 {"label", cell.weights.label}};
    line.update(train_result_json(resolved, result));
    line["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return line;
  };
  sweep.record = [&](const Json& line) {
    log->append(line);
    ++trained;
  };
  if (!run_sweep_cells(sweep)) return;  // a worker rank: rank 0 writes the results
  if (trained < unfinished) {
    std::cout << stopped_message(o.out, trained, cells.size() - unfinished + trained, cells.size());
    return;
  }
  finish_from_recorded_cells(o.out + ".jsonl", [&] {
    Json rows = Json::array();
    const Measured on{std::min<long>(o.train.eval_subset, data.train.inputs.cols()),
                      data.test.inputs.cols()};
    for (const auto& cell : cells) rows.push_back(summary(*log->find(cell.key()), cell, on));
    Json out = header("generalization");
    out.update(shared);
    out.erase("sweep");
    out["levels"] = o.levels;
    out["bits"] = o.bits;
    out["rounding"] = o.rounding;
    out["depths"] = o.depths;
    out["cells"] = rows;
    out["seconds"] = total_seconds(rows);
    auto files = render(o, cells, rows, weights.size(), data.train.inputs.cols());
    files.insert(files.begin(), {{".csv", rows_table(rows, true)}, {".json", out.dump(2) + '\n'}});
    write_files(o.out, files);
    if (o.json)
      std::cout << out.dump(2) << '\n';
    else
      std::cout << rows_table(rows, false);
  });
}

}  // namespace

void add_generalization_command(CLI::App& app) {
  auto o = std::make_shared<GeneralizationOptions>();
  o->train.sharpness_draws = 10;
  o->train.report = "400";
  CLI::App* cmd = app.add_subcommand(
      "generalization",
      "Quantization-aware training over weight bits x activation levels N (x depth), each net "
      "at the critical effective sigma_w^2: train and test accuracy, their gap, the losses and "
      "the sharpness (mean train-loss increase under random weight perturbations). Cells are "
      "appended to PREFIX.jsonl as they finish; rerunning the same command resumes");
  cmd->add_option("--levels", o->levels, "levels N of quant:N (N >= 3), e.g. 3,4,8")
      ->capture_default_str();
  cmd->add_option("--bits", o->bits,
                  "weight precisions: 1 (binary), ternary, 2..32 (bits:B), float (gaussian "
                  "weights, the baseline)")
      ->capture_default_str();
  cmd->add_option("--rounding", o->rounding,
                  "nearest, stochastic (redrawn every forward pass, shared by the batch), or "
                  "stochastic-per-example (each example its own rounding; 2.3-2.7x the float step "
                  "with AVX-512, 3.0-4.3x with AVX2 alone)")
      ->check(CLI::IsMember({"nearest", "stochastic", "stochastic-per-example"}))
      ->capture_default_str();
  cmd->add_option("--depths", o->depths, "depths L, e.g. 3 or 2,6")->capture_default_str();
  add_train_options(*cmd, o->train);
  add_sharpness_options(*cmd, o->train);
  cmd->add_option("--max-cells", o->max_cells,
                  "stop after training this many new cells (0: all); rerun to continue")
      ->check(CLI::Range(0, 1 << 30));
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out,
                 "write PREFIX.jsonl (one line per cell, kept for resuming), PREFIX.csv, "
                 "PREFIX.json, PREFIX.png/.svg/.pdf")
      ->required();
  cmd->callback([o] { run(*o); });
}

}  // namespace qmf::cli
