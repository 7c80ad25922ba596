// qmf simulate: finite random networks, forward and backward, beside the mean
// field, with standard errors over independent nets.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/simulation_method.hpp"
#include "cli/straight_through.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "qmf/errors.hpp"
#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

namespace {

struct SimulateOptions {
  std::string act;
  SimulationSettings settings;
  std::string sw2;       // a number or "crit"
  std::string q0 = "1";  // a number or "star"
  double c0 = 0.5;
  std::optional<double> ste_slope;
  std::optional<double> ste_clip;
  std::string weights = "gaussian";
  std::optional<std::string> ste_window;
  bool json = false;
  std::string out;
};

struct SimulationRun {
  std::string act;  // as given, for the figure's title
  std::unique_ptr<Activation> phi;
  SimulationSettings settings;
  std::vector<SimulatedLayer> simulated;
  std::vector<PredictedLayer> predicted;
  double seconds = 0.0;
};

SimulationRun run(const SimulateOptions& o) {
  SimulationRun result;
  result.act = o.act;
  result.settings = o.settings;
  result.settings.c0 = {o.c0};
  parse_sw2_choice(o.sw2);  // a malformed --sw2 fails before the activation is built
  result.phi = make_activation(o.act);
  auto& s = result.settings;
  s.weights = parse_weight_spec(o.weights);
  const auto crit = critical_choice(o.sw2, *result.phi, s.init.sb2, s.weights);
  s.init.sw2 = crit ? crit->sw2 : parse_sw2(o.sw2);
  // q* of the maps these weights give (the latent sw2 alone is not the inputs' variance).
  s.q0 = resolve_q0(o.q0, *result.phi, mean_field_initialization(s),
                    crit ? std::optional(crit->q_star) : std::nullopt);
  validate(s);
  require_simulation_resources(*result.phi, s);
  // The default STE preserves gradients for the variance each input's
  // weights have, E[Q^2] sw2 with quantized weights.
  const Initialization mean_field = mean_field_initialization(s);
  const Initialization each_input{mean_field.sw2 + mean_field.weight_noise, mean_field.sb2};
  s.surrogate =
      straight_through_for(*result.phi, each_input, s.q0, o.ste_slope, o.ste_clip, o.ste_window);
  result.predicted = predict_layers(*result.phi, result.settings);
  const auto start = std::chrono::steady_clock::now();
  ProgressBar bar("simulate");
  result.simulated = simulate_networks(*result.phi, result.settings, std::ref(bar));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// Everything that determines the numbers, and nothing else: the output is the
// same for every thread count.
Json result_json(const SimulationRun& r, const SimulateOptions& o) {
  const auto& s = r.settings;
  Json out = header("simulate");
  out["act"] = r.phi->spec();
  out["sw2"] = s.init.sw2;
  out["sw2_choice"] = o.sw2 == critical_sw2_word ? "critical" : "given";
  out["sb2"] = s.init.sb2;
  out["weights"] = s.weights.text;
  const Initialization mean_field = mean_field_initialization(s);
  out["sw2_effective"] = mean_field.sw2 + mean_field.weight_noise;
  out["weight_noise"] = mean_field.weight_noise;
  out["width"] = s.width;
  out["depth"] = s.depth;
  out["q0"] = s.q0;
  out["q0_choice"] = o.q0 == fixed_point_q0_word ? "fixed_point" : "given";
  out["c0"] = s.c0.front();
  out["nets"] = s.nets;
  out["seed"] = s.seed;
  out["method"] = method_name(chosen_method(*r.phi, s));
  if (r.phi->is_step()) {
    out["ste_slope"] = number(s.surrogate.slope, "ste_slope");
    if (s.surrogate.window) {  // an infinite end as null (unbounded)
      auto end = [](double x) { return std::isfinite(x) ? Json(x) : Json(); };
      out["ste_window"] = {end(s.surrogate.lower()), end(s.surrogate.upper())};
    } else {
      out["ste_clip"] = number(s.surrogate.clip, "ste_clip");
    }
  }
  Json layers = Json::array();
  for (int l = 0; l <= s.depth; ++l) {
    const auto& sim = r.simulated[l];
    const auto& mf = r.predicted[l];
    layers.push_back({{"l", l},
                      {"q_sim", number(sim.q.mean, "q_sim")},
                      {"q_se", number(sim.q.se, "q_se")},
                      {"q_mf", number(mf.q, "q_mf")},
                      {"c_sim", number(sim.c.front().mean, "c_sim")},
                      {"c_se", number(sim.c.front().se, "c_se")},
                      {"c_mf", number(mf.c.front(), "c_mf")},
                      {"grad_sim", number(sim.grad.mean, "grad_sim")},
                      {"grad_se", number(sim.grad.se, "grad_se")},
                      {"grad_mf", number(mf.grad, "grad_mf")}});
  }
  out["layers"] = layers;
  return out;
}

constexpr const char* columns[] = {"l",    "q_sim", "q_se",     "q_mf",    "c_sim",
                                   "c_se", "c_mf",  "grad_sim", "grad_se", "grad_mf"};

// One line per layer, `separator` between the cells; `format` renders a number.
template <class Format>
std::string layer_rows(const Json& layers, char separator, Format format) {
  std::ostringstream text;
  for (const auto& layer : layers) {
    text << layer["l"].get<int>();
    for (const char* column : columns)
      if (std::string(column) != "l") text << separator << format(layer[column].get<double>());
    text << '\n';
  }
  return text.str();
}

std::string header_row(const std::string& separator) {
  std::string row;
  for (const char* column : columns) row += (row.empty() ? "" : separator) + column;
  return row + '\n';
}

std::string readable(double x) {
  char cell[32];
  std::snprintf(cell, sizeof cell, "%12.6g", x);
  return cell;
}

// The figure: the layers' table and the setting.
Figure simulate_figure(const Json& out, const std::string& act, const std::string& data) {
  Figure figure{"simulate.gp", {{"layers", data}}, {}};
  figure.parameters.text("act", act)
      .integer("width", out["width"].get<long long>())
      .integer("depth", out["depth"].get<long long>())
      .integer("nets", out["nets"].get<long long>());
  for (const char* key : {"sw2", "sb2", "q0", "c0", "ste_slope", "ste_clip"})
    if (out.contains(key)) figure.parameters.number(key, out[key].get<double>());
  // Quantized weights: the title's second line names them and the variance
  // the nets see, E[Q^2] sw2 (sw2 is the latent variance).
  if (out["weights"].get<std::string>() != "gaussian")
    figure.parameters.text("weights", out["weights"].get<std::string>())
        .number("sw2_effective", out["sw2_effective"].get<double>());
  if (out.contains("ste_window")) {  // "lo ≤ x ≤ hi", an unbounded end left out
    const auto& w = out["ste_window"];
    figure.parameters.text("ste_window",
                           (w[0].is_null() ? "" : format_number(w[0].get<double>()) + " ≤ ") + "x" +
                               (w[1].is_null() ? "" : " ≤ " + format_number(w[1].get<double>())));
  }
  return figure;
}

void write_outputs(const SimulationRun& r, const Json& out, const std::string& prefix) {
  Json metadata = out;
  metadata.erase("layers");
  metadata["threads"] = r.settings.threads;
  metadata["seconds"] = r.seconds;
  const std::string csv = header_row(",") + layer_rows(out["layers"], ',', format_number);
  const std::string data = "# " + header_row(" ") + layer_rows(out["layers"], ' ', format_number);
  auto files = render_figure(simulate_figure(out, r.act, data));
  files.insert(files.begin(), {{".csv", csv}, {".json", metadata.dump(2) + '\n'}});
  write_files(prefix, files);
}

void print(const Json& out, bool as_json) {
  if (as_json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << key_value_table(out) << '\n';
  std::string head;
  for (const char* column : columns) {
    char cell[32];
    std::snprintf(cell, sizeof cell, std::string(column) == "l" ? "%s" : "%12s", column);
    head += (head.empty() ? "" : " ") + std::string(cell);
  }
  std::cout << head << '\n' << layer_rows(out["layers"], ' ', readable);
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<SimulateOptions>();
  o->settings.nets = 16;
  o->settings.threads = default_threads();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Finite random nets (forward and backward) against the mean-field iteration");
  cmd->add_option("--act", o->act, "activation spec (sign, tanh, quant:16, ...)")->required();
  cmd->add_option("--sw2", o->sw2,
                  "weight variance sigma_w^2, or crit for the critical one at --sb2 (as in "
                  "qmf critical --weights: latent)")
      ->required();
  cmd->add_option("--sb2", o->settings.init.sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--width", o->settings.width,
                  "width n of every layer (at most 1e10 weight draws: nets x depth x n^2, x2 "
                  "backward, drawing weights; 5e10 normal draws by Gram: nets x depth x 2n, x3 "
                  "backward)")
      ->required();
  cmd->add_option("--depth", o->settings.depth, "number of layers L")->required();
  cmd->add_option("--q0", o->q0,
                  "pre-activation variance of the inputs, or star for the stable fixed point q* "
                  "of the length map (reached from q = 1; with --sw2 crit the critical point's "
                  "q*)")
      ->capture_default_str();
  cmd->add_option("--c0", o->c0, "correlation of the two inputs")->capture_default_str();
  cmd->add_option("--weights", o->weights,
                  "weight spec (as for maps): latent N(0, sw2/n) weights rounded onto the grid, "
                  "shared by the inputs (nearest, stochastic) or afresh for each input "
                  "(stochastic-per-example)")
      ->capture_default_str();
  cmd->add_option("--nets", o->settings.nets, "independent nets R (at least 2)")
      ->capture_default_str();
  add_seed_option(*cmd, o->settings.seed, "random seed");
  add_threads_option(*cmd, o->settings.threads,
                     "OpenMP threads (the output does not depend on it)");
  add_method_option(*cmd, o->settings.method);
  cmd->add_option("--ste-slope", o->ste_slope,
                  "STE slope s of g(x) = s 1{|x| <= tau} (step activations; default: the "
                  "gradient-preserving 1/(sigma_w sqrt(erf(tau/sqrt(2 q*)))))");
  cmd->add_option("--ste-clip", o->ste_clip, "STE clip tau (step activations; default 1)");
  cmd->add_option("--ste-window", o->ste_window,
                  "STE window lo:hi instead of [-tau, tau]: g(x) = s 1{lo <= x <= hi}, ends may "
                  "be inf or -inf (e.g. 0:1 for a quantized relu); the default slope preserves "
                  "gradients over this window");
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv, PREFIX.json, PREFIX.png/.svg/.pdf");
  cmd->callback([o] {
    if (!o->out.empty()) figure_script("simulate.gp");  // an incomplete installation fails at once
    const SimulationRun r = run(*o);
    const Json out = result_json(r, *o);
    if (!o->out.empty()) write_outputs(r, out, o->out);
    print(out, o->json);
  });
}

}  // namespace qmf::cli
