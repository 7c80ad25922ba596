// qmf finite-width: how far finite nets sit from the mean field as the width
// grows, the leading 1/n coefficient of every layer's q, c and gradient, the
// length's coefficient beside the one-dimensional chain and the perturbative
// prediction, and the correlation depth the nets reach (docs/finite_width.md).
// This file holds the options and the output files; the study is
// finite_width_study, its tables finite_width_report, its figure
// figures/finite_width_figure.
#include <iostream>
#include <memory>

#include "cli/comma_list.hpp"
#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/simulation_method.hpp"
#include "commands/commands.hpp"
#include "commands/finite_width_report.hpp"
#include "commands/finite_width_study.hpp"
#include "figures/finite_width_figure.hpp"

namespace qmf::cli {

namespace {

void run_finite_width(const FiniteWidthOptions& o) {
  if (!o.out.empty()) figure_script("finite_width.gp");  // an incomplete installation fails at once
  const Study st = run_study(o);
  const Json out = study_json(st, o.widths);
  if (!o.out.empty()) {
    auto files = render_figure(finite_width_figure(st, out));
    files.insert(files.begin(), {{".csv", fit_header + fit_rows(out["layers"], ',', "")},
                                 {"_widths.csv", width_header + width_rows(st)},
                                 {".json", out.dump(2) + '\n'}});
    write_files(o.out, files);
  }
  if (o.json)
    std::cout << out.dump(2) << '\n';
  else
    std::cout << study_text(st, out);
}

}  // namespace

void add_finite_width_command(CLI::App& app) {
  auto o = std::make_shared<FiniteWidthOptions>();
  o->settings.depth = 30;
  o->settings.c0 = {0.5, 0.9};
  o->settings.threads = default_threads();
  CLI::App* cmd = app.add_subcommand(
      "finite-width", "Deviation of finite nets from the mean field against width, 1/n fits");
  cmd->add_option("--act", o->act, "activation spec (sign, tanh, quant:16, ...)")->required();
  cmd->add_option("--sw2", o->sw2, "weight variance sigma_w^2, or crit")->capture_default_str();
  cmd->add_option("--sb2", o->settings.init.sb2, "bias variance sigma_b^2")->capture_default_str();
  add_number_list_option(*cmd, "--widths", o->widths, "widths n, at least three [64,128,...,4096]");
  cmd->add_option("--depth", o->settings.depth, "number of layers L")->capture_default_str();
  add_number_list_option(*cmd, "--nets", o->nets,
                         "independent nets per width: one count, or one per width [64]");
  cmd->add_option("--q0", o->settings.q0, "pre-activation variance of the inputs")
      ->capture_default_str();
  add_number_list_option(*cmd, "--c0", o->settings.c0,
                         "the two input pairs' correlations; q, c, grad are the first's [0.5,0.9]");
  cmd->add_option(
         "--batches", o->batches,
         "draw the nets in G batches for a bootstrap standard error of xi (>= 2 nets each)")
      ->capture_default_str();
  add_number_list_option(*cmd, "--xi-layers", o->xi_layers,
                         "first and last layer of the correlation-depth window [L/2,L]");
  add_seed_option(*cmd, o->settings.seed, "random seed");
  add_threads_option(*cmd, o->settings.threads,
                     "OpenMP threads (the output does not depend on it)");
  add_method_option(*cmd, o->settings.method);
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv, PREFIX_widths.csv, PREFIX.json, PREFIX.png/...");
  cmd->callback([o] { run_finite_width(*o); });
}

}  // namespace qmf::cli
