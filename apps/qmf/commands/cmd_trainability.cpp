// qmf trainability: the sweep behind the paper's Figure 3. Every cell of a
// grid (depth x N at each N's critical sigma_w^2, or depth x sigma_w^2 for one
// activation) is one `qmf train` run; finished cells go to PREFIX.jsonl as they
// finish, so an interrupted sweep resumes where it stopped, and the heat map
// of test accuracy is drawn with the k xi curves of the mean field.
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/grid_range.hpp"
#include "cli/level_list.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "figures/trainability_figure.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/critical.hpp"
#include "training/mpi_sweep.hpp"
#include "training/sweep_log.hpp"
#include "training/train_run.hpp"

namespace qmf::cli {

namespace {

struct TrainabilityOptions {
  std::optional<std::string> levels;
  std::optional<std::string> act;
  std::optional<std::string> sw2;
  std::string depths;
  TrainOptions train;
  int max_cells = 0;
  bool json = false;
  std::string out;
};

struct Cell {
  std::string act;
  std::string sw2;  // as train's --sw2: "crit" or a number
  int depth = 0;
  double y = 0.0;  // N or sigma_w^2
  [[nodiscard]] Json key() const { return {{"act", act}, {"sw2", sw2}, {"depth", depth}}; }
};

struct Grid {
  bool by_levels = false;
  std::vector<double> ys;
  std::vector<int> depths;
  std::vector<Cell> cells;  // y-major
  TrainabilityPlot plot;
};

std::vector<int> parse_depths(const std::string& text) {
  std::vector<int> depths;
  for (const double d : parse_grid_range(text, "--depths")) {
    if (d != std::round(d) || d < 1 || d > 100000)
      throw std::invalid_argument("--depths: '" + text + "' gives depth " + format_number(d) +
                                  " (allowed: whole numbers 1..100000)");
    depths.push_back(static_cast<int>(d));
  }
  return depths;
}

// The theory's depth scale along y: xi_max(N) of the uniform quantizer at its
// critical sigma_w^2 (qmf lmax; sigma_b = 0, else the maximiser at sb2), or
// xi_c(sigma_w^2) of the fixed point (qmf maps). Points without a finite
// depth scale are left out.
Json xi_curve(const Grid& g, const TrainabilityOptions& o) {
  Json rows = Json::array();
  const auto add = [&](double y, double xi) {
    if (std::isfinite(xi)) rows.push_back({{"y", y}, {"xi", xi}});
  };
  if (g.by_levels) {
    for (int n = static_cast<int>(g.ys.front()); n <= static_cast<int>(g.ys.back()); ++n)
      add(n, o.train.sb2 == 0.0 ? uniform_quantizer_optimum(n).xi_max
                                : maximise_correlation_depth(
                                      *make_activation("quant:" + std::to_string(n)), o.train.sb2)
                                      .xi_max);
    return rows;
  }
  const auto phi = make_activation(*o.act);
  const double lo = std::max(g.ys.front() - g.plot.half_height, 1e-3 * g.ys.front());
  const double hi = g.ys.back() + g.plot.half_height;
  constexpr int points = 81;
  for (int i = 0; i < points; ++i) {
    const double sw2 = lo + (hi - lo) * i / (points - 1);
    try {
      add(sw2, mean_field_fixed_point(*phi, {sw2, o.train.sb2}, 1.0).xi_c);
    } catch (const numerical_error&) {
      // no stable fixed point here: no depth scale to draw
    }
  }
  return rows;
}

Grid build_grid(const TrainabilityOptions& o) {
  if (o.levels.has_value() == o.act.has_value())
    throw std::invalid_argument(
        "--levels: give either --levels (depth x N at critical sigma_w^2) "
        "or --act with --sw2 A:B:n (depth x sigma_w^2)");
  if (o.act.has_value() != o.sw2.has_value())
    throw std::invalid_argument("--sw2: --act needs --sw2 A:B:n (and --levels takes none)");
  Grid g;
  g.by_levels = o.levels.has_value();
  g.depths = parse_depths(o.depths);
  if (g.by_levels) {
    for (const int n : parse_level_list(*o.levels, "--levels")) {
      if (n < 3)
        throw std::invalid_argument("--levels: N = " + std::to_string(n) +
                                    " has no critical sigma_w^2 (allowed: N >= 3)");
      g.ys.push_back(n);
    }
  } else {
    g.ys = parse_grid_range(*o.sw2, "--sw2");
    for (const double y : g.ys)
      if (!(y > 0.0)) throw std::invalid_argument("--sw2: values must be positive");
  }
  for (const double y : g.ys)
    for (const int depth : g.depths)
      g.cells.push_back(g.by_levels ? Cell{"quant:" + std::to_string(static_cast<int>(y)),
                                           critical_sw2_word, depth, y}
                                    : Cell{*o.act, format_number(y), depth, y});
  g.plot.half_width = half_step({g.depths.begin(), g.depths.end()});
  g.plot.half_height = g.by_levels ? 0.5 : half_step(g.ys, 0.05);
  if (g.by_levels) g.plot.y_tic_step = 1.0;
  g.plot.ylabel = g.by_levels ? "levels N (quant:N at its critical σ_w^2)" : "σ_w^2";
  std::ostringstream title;
  title << "Trainability: " << (g.by_levels ? std::string("quant:N") : *o.act)
        << ", n = " << o.train.width << ", " << o.train.report.substr(o.train.report.rfind(',') + 1)
        << " steps of " << o.train.optimizer << ", σ_b^2 = " << o.train.sb2;
  g.plot.title = title.str();
  return g;
}

// The cells as CSV (',', the shortest round-trip numbers, empty cells) or as
// the readable table (' ', six digits, "-"): a value that does not exist (a
// diverged run's accuracies, a cell without a mean-field fixed point) is NaN
// to the writer, "inf" an infinite one ("inf" or, in older files, null + KEY_infinite).
std::string cells_table(const Grid& g, const Json& cells, bool csv) {
  const auto write = csv ? format_number : readable_number;
  const std::string s = csv ? "," : " ";
  constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  const auto field = [&](const Json& c, const char* key) {
    return write(c.contains(key) ? get_number(c, key) : missing);
  };
  std::ostringstream table;
  table << (g.by_levels ? "N" : "sw2") << s << "depth" << s << "test_accuracy" << s
        << "train_accuracy" << s << "diverged" << s << "diverged_step" << s << "sw2_used" << s
        << "xi_c" << s << "depth_over_xi_c" << s << "seconds\n";
  for (const auto& c : cells) {
    const bool diverged = c["diverged"].get<bool>();
    const auto& last = c["checkpoints"];
    table << write(c["y"].get<double>()) << s << c["depth"].get<int>() << s
          << write(diverged ? missing : c["test_accuracy"].get<double>()) << s
          << write(diverged || last.empty() ? missing : last.back()["train_accuracy"].get<double>())
          << s << (diverged ? 1 : 0) << s << (diverged ? c["diverged_step"].dump() : write(missing))
          << s << write(c["sw2"].get<double>()) << s << field(c, "xi_c") << s
          << field(c, "depth_over_xi_c") << s << write(c["seconds"].get<double>()) << '\n';
  }
  return table.str();
}

void run(const TrainabilityOptions& o) {
  Grid grid = build_grid(o);
  resolve_deepest_first(grid.cells, [&](const Cell& cell) {
    resolve_train_run(o.train, cell.act, cell.sw2, cell.depth);
  });
  // The thread count stays in: it changes the training's rounding, so a
  // resume with another count is refused rather than mixing cells.
  Json shared = train_options_json(o.train);
  const LabelledSets data = load_training_data(o.train);
  std::optional<SweepLog> log;  // on the rank that records (rank 0 under mpirun)
  std::size_t unfinished = 0;   // grid cells not in the log when the sweep started
  std::size_t trained = 0;
  SweepCells sweep;
  sweep.plan = [&] {
    log.emplace(o.out + ".jsonl", shared, comparable_train_options);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < grid.cells.size(); ++i)
      if (log->find(grid.cells[i].key()) == nullptr) todo.push_back(i);
    unfinished = todo.size();
    if (o.max_cells > 0 && todo.size() > static_cast<std::size_t>(o.max_cells))
      todo.resize(static_cast<std::size_t>(o.max_cells));
    return todo;
  };
  sweep.train = [&](std::size_t i) {
    const Cell& cell = grid.cells[i];
    const TrainRun resolved = resolve_train_run(o.train, cell.act, cell.sw2, cell.depth);
    const auto start = std::chrono::steady_clock::now();
    training::TrainingResult result;
    {
      ProgressBar bar("cell " + std::to_string(i + 1) + "/" + std::to_string(grid.cells.size()));
      result =
          training::train(*resolved.phi, resolved.settings, data.train, data.test, std::ref(bar));
    }
    Json line = {{"key", cell.key()}, {"y", cell.y}};
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
    std::cout << stopped_message(o.out, trained, grid.cells.size() - unfinished + trained,
                                 grid.cells.size());
    return;
  }
  finish_from_recorded_cells(o.out + ".jsonl", [&] {
    Json cells = Json::array();
    for (const auto& cell : grid.cells) cells.push_back(*log->find(cell.key()));
    for (const auto& c : cells)
      grid.plot.cells.push_back({{"depth", c["depth"]},
                                 {"y", c["y"]},
                                 {"test_accuracy", c["test_accuracy"]},
                                 {"diverged", c["diverged"]}});
    grid.plot.xi_curve = xi_curve(grid, o);
    Json out = header("trainability");
    out.update(shared);
    out["grid"] = grid.by_levels ? "levels" : "sw2";
    if (o.levels) out["levels"] = *o.levels;
    if (o.act) out["act"] = *o.act;
    if (o.sw2) out["sw2"] = *o.sw2;
    out["depths"] = o.depths;
    out["xi_curve"] = grid.plot.xi_curve;
    // Every cell as recorded (its learning curve, the mean field of its
    // initialisation): the CSV's columns and more.
    out["cells"] = cells;
    out["seconds"] = total_seconds(cells);
    auto files = render_trainability_figure(grid.plot);
    files.insert(files.begin(),
                 {{".csv", cells_table(grid, cells, true)}, {".json", out.dump(2) + '\n'}});
    write_files(o.out, files);
    if (o.json)
      std::cout << out.dump(2) << '\n';
    else
      std::cout << cells_table(grid, cells, false);
  });
}

}  // namespace

void add_trainability_command(CLI::App& app) {
  auto o = std::make_shared<TrainabilityOptions>();
  CLI::App* cmd = app.add_subcommand(
      "trainability",
      "Figure 3 of the paper: train a net per grid cell (depth x N at critical sigma_w^2, or "
      "depth x sigma_w^2) and draw test accuracy beside L = k xi, k = 4, 6, 9. Cells are "
      "appended to PREFIX.jsonl as they finish; rerunning the same command resumes");
  cmd->add_option("--levels", o->levels, "levels N of quant:N, e.g. 3..16 (depth x N grid)");
  cmd->add_option("--act", o->act, "activation of the depth x sigma_w^2 grid (with --sw2)");
  cmd->add_option("--sw2", o->sw2, "sigma_w^2 range A:B:n of the depth x sigma_w^2 grid");
  cmd->add_option("--depths", o->depths, "depth range A:B:n (whole numbers)")->required();
  add_train_options(*cmd, o->train);
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
