// qmf finite-width: how far finite nets sit from the mean field as the width
// grows, the leading 1/n coefficient of every layer's q, c and gradient, the
// length's coefficient beside the one-dimensional chain and the perturbative
// prediction, and the correlation depth the nets reach (docs/finite_width.md).
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/comma_list.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/simulation_method.hpp"
#include "cli/straight_through.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/numerics/line_fit.hpp"
#include "qmf/simulation/finite_width.hpp"

namespace qmf::cli {

namespace {

struct FiniteWidthOptions {
  std::string act;
  std::string sw2 = critical_sw2_word;
  SimulationSettings settings;
  std::vector<double> widths{64, 128, 256, 512, 1024, 2048, 4096};
  bool json = false;
  std::string out;
};

// One width: the simulated layers (two input pairs, so that the correlation
// depth can be read off their difference) and the length chain.
struct WidthRun {
  int n = 0;
  std::vector<SimulatedLayer> sim;
  std::vector<Estimate> chain;
  double xi_sim = 0.0;  // correlation depth fitted to the simulated c difference
  double xi_mf = 0.0;   // the same fit to the mean field, on the same layers
};

// The correlation depth as the decay length of the difference of the two
// pairs' correlations, c_b^l - c_a^l ~ exp(-l / xi): the difference removes
// the common finite-width shift of c. Fitted by -1 / slope of its logarithm
// over the second half of the net, on the layers where the simulated
// difference stands 3 standard errors above zero, to the simulation and to
// the mean field alike.
void fit_depths(const std::vector<PredictedLayer>& mf, WidthRun& run) {
  const int depth = static_cast<int>(mf.size()) - 1;
  std::vector<double> l, sim, theory;
  for (int k = depth / 2; k <= depth; ++k) {
    const auto& c = run.sim[k].c;
    const double difference = c[1].mean - c[0].mean;
    const double mf_difference = mf[k].c[1] - mf[k].c[0];
    if (difference > 3.0 * (c[0].se + c[1].se) && mf_difference > 0.0) {
      l.push_back(k);
      sim.push_back(std::log(difference));
      theory.push_back(std::log(mf_difference));
    }
  }
  run.xi_sim = run.xi_mf = std::nan("");
  if (l.size() < 3) return;
  run.xi_sim = -1.0 / fit_line(l, sim).slope;
  run.xi_mf = -1.0 / fit_line(l, theory).slope;
}

// Per layer, n x (simulated - mean field) of one quantity over the widths.
struct Deviations {
  std::vector<double> y, se;
};

Json fit_json(const std::vector<double>& widths, const Deviations& d) {
  const auto fit = fit_inverse_width(widths, d.y, d.se);
  return {{"a", number(fit.a, "a")},
          {"a_se", number(fit.a_se, "a_se")},
          {"chi2_per_dof", number(fit.chi2_per_dof, "chi2_per_dof")}};
}

SimulationSettings base_settings(const FiniteWidthOptions& o, const Activation& phi) {
  SimulationSettings s = o.settings;
  if (s.c0.size() != 2) throw std::invalid_argument("--c0 needs two correlations");
  if (o.widths.size() < 3) throw std::invalid_argument("--widths needs at least three widths");
  const auto given = parse_sw2_choice(o.sw2);
  s.init.sw2 = given ? *given : critical_sw2(phi, s.init.sb2);
  s.surrogate = straight_through_for(phi, s.init, s.q0, {}, {});
  for (const double n : o.widths) {
    if (!(n >= 2 && n <= 1 << 30 && n == std::floor(n)))
      throw std::invalid_argument("--widths must be integers from 2 to 2^30");
    s.width = static_cast<int>(n);
    validate(s);
    require_simulation_resources(s);
  }
  return s;
}

struct Study {
  std::unique_ptr<Activation> phi;
  SimulationSettings settings;
  std::vector<PredictedLayer> mf;
  std::vector<LengthCorrection> theory;
  std::vector<WidthRun> runs;
  double xi_c = 0.0;
};

Study run_study(const FiniteWidthOptions& o) {
  Study study;
  study.phi = make_activation(o.act);
  study.settings = base_settings(o, *study.phi);
  const auto& s = study.settings;
  study.mf = predict_layers(*study.phi, s);
  study.theory = length_corrections(*study.phi, s.init, s.q0, s.depth);
  study.xi_c = mean_field_fixed_point(*study.phi, s.init, s.q0).xi_c;
  for (const double n : o.widths) {
    WidthRun run;
    run.n = static_cast<int>(n);
    SimulationSettings at = s;
    at.width = run.n;
    ProgressBar bar("n = " + std::to_string(run.n));
    run.sim = simulate_networks(*study.phi, at, std::ref(bar));
    run.chain = length_chain(*study.phi, at);
    fit_depths(study.mf, run);
    study.runs.push_back(std::move(run));
  }
  return study;
}

// The fits of layer l: q, its chain and c at layers >= 1, the gradient
// (relative to the mean field) below the last layer.
Json layer_json(const Study& st, const std::vector<double>& widths, int l) {
  const auto& mf = st.mf[l];
  Json out{{"l", l},
           {"q_mf", number(mf.q, "q_mf")},
           {"c_mf", number(mf.c[0], "c_mf")},
           {"grad_mf", number(mf.grad, "grad_mf")}};
  Deviations q, chain, c, grad;
  for (const auto& r : st.runs) {
    q.y.push_back(r.sim[l].q.mean - mf.q), q.se.push_back(r.sim[l].q.se);
    chain.y.push_back(r.chain[l].mean - mf.q), chain.se.push_back(r.chain[l].se);
    c.y.push_back(r.sim[l].c[0].mean - mf.c[0]), c.se.push_back(r.sim[l].c[0].se);
    grad.y.push_back(r.sim[l].grad.mean / mf.grad - 1.0);
    grad.se.push_back(r.sim[l].grad.se / mf.grad);
  }
  if (l >= 1) {
    out["q"] = fit_json(widths, q);
    out["q_chain"] = fit_json(widths, chain);
    out["c"] = fit_json(widths, c);
    out["q_theory"] = number(st.theory[l].bias, "q_theory");
    out["var_v_theory"] = number(st.theory[l].variance, "var_v_theory");
    const auto& widest = st.runs.back();
    const double se = widest.chain[l].se;
    out["var_v_chain"] = widest.n * st.settings.nets * se * se;
  }
  if (l < st.settings.depth) out["grad"] = fit_json(widths, grad);
  return out;
}

// The smallest width from which on every wider net reaches `fraction` of the
// mean field's correlation depth; 0 when none does.
int width_reaching(const Study& st, double fraction) {
  int reached = 0;
  for (auto r = st.runs.rbegin(); r != st.runs.rend() && r->xi_sim >= fraction * r->xi_mf; ++r)
    reached = r->n;
  return reached;
}

Json study_json(const Study& st, const std::vector<double>& widths) {
  const auto& s = st.settings;
  Json out = header("finite-width");
  out["act"] = st.phi->spec();
  out["sw2"] = s.init.sw2;
  out["sb2"] = s.init.sb2;
  out["depth"] = s.depth;
  out["q0"] = s.q0;
  out["c0"] = s.c0;
  out["nets"] = s.nets;
  out["seed"] = s.seed;
  out["method"] = method_name(chosen_method(s));
  if (st.phi->is_step()) {
    out["ste_slope"] = number(s.surrogate.slope, "ste_slope");
    out["ste_clip"] = number(s.surrogate.clip, "ste_clip");
  }
  set_number(out, "xi_c", st.xi_c);
  Json runs = Json::array();
  for (const auto& r : st.runs)
    runs.push_back({{"n", r.n},
                    {"xi_sim", std::isnan(r.xi_sim) ? Json(nullptr) : number(r.xi_sim, "xi_sim")},
                    {"xi_mf", std::isnan(r.xi_mf) ? Json(nullptr) : number(r.xi_mf, "xi_mf")}});
  out["widths"] = runs;
  const int reached = width_reaching(st, 0.9);
  out["width_90"] = reached > 0 ? Json(reached) : Json(nullptr);
  Json layers = Json::array();
  for (int l = 0; l <= s.depth; ++l) layers.push_back(layer_json(st, widths, l));
  out["layers"] = layers;
  return out;
}

// The fit table, one row per layer, `missing` where a fit does not apply.
std::string fit_rows(const Json& layers, char separator, const std::string& missing) {
  std::ostringstream text;
  auto cell = [&](const Json& layer, const char* fit, const char* key) {
    const bool has = fit ? layer.contains(fit) : layer.contains(key);
    const Json* value = has ? (fit ? &layer[fit][key] : &layer[key]) : nullptr;
    text << separator
         << (value && value->is_number() ? format_number(value->get<double>()) : missing);
  };
  for (const auto& layer : layers) {
    text << layer["l"].get<int>();
    cell(layer, nullptr, "q_mf");
    for (const char* fit : {"q", "q_chain"}) cell(layer, fit, "a"), cell(layer, fit, "a_se");
    for (const char* key : {"q_theory", "var_v_chain", "var_v_theory"}) cell(layer, nullptr, key);
    for (const char* fit : {"c", "grad"}) cell(layer, fit, "a"), cell(layer, fit, "a_se");
    text << '\n';
  }
  return text.str();
}
constexpr const char* fit_header =
    "l,q_mf,a_q,a_q_se,a_q_chain,a_q_chain_se,a_q_theory,var_v_chain,var_v_theory,a_c,a_c_se,"
    "a_grad,a_grad_se\n";

// Every width's layers; for the figure the deviations times n, one gnuplot
// data block per width.
std::string width_rows(const Study& st, bool scaled) {
  std::ostringstream text;
  for (const auto& r : st.runs) {
    const double n = scaled ? r.n : 1.0;
    for (int l = 0; l <= st.settings.depth; ++l) {
      const auto& sim = r.sim[l];
      const auto& mf = st.mf[l];
      const double values[] = {sim.q.mean,    sim.q.se,      r.chain[l].mean, r.chain[l].se,
                               mf.q,          sim.c[0].mean, sim.c[0].se,     mf.c[0],
                               sim.grad.mean, sim.grad.se,   mf.grad};
      if (scaled) {
        text << l << ' ' << format_number(n * (sim.q.mean - mf.q)) << ' '
             << format_number(n * sim.q.se) << ' ' << format_number(n * (sim.c[0].mean - mf.c[0]))
             << ' ' << format_number(n * sim.c[0].se) << ' '
             << format_number(n * (sim.grad.mean / mf.grad - 1.0)) << ' '
             << format_number(n * sim.grad.se / mf.grad) << '\n';
        continue;
      }
      text << r.n << ',' << l;
      for (const double x : values) text << ',' << format_number(x);
      text << '\n';
    }
    if (scaled) text << "\n\n";
  }
  return text.str();
}

Figure finite_width_figure(const Study& st, const Json& out) {
  std::ostringstream depths;
  long long depth_points = 0;
  for (const auto& r : st.runs)
    if (!std::isnan(r.xi_sim))
      depths << r.n << ' ' << format_number(r.xi_sim / r.xi_mf) << '\n', ++depth_points;
  Figure figure{"finite_width.gp",
                {{"points", width_rows(st, true)},
                 {"fits", std::string("# ") + fit_header + fit_rows(out["layers"], ' ', "NaN")},
                 {"depths", depths.str()}},
                {}};
  figure.parameters.text("act", out["act"].get<std::string>())
      .number("sw2", st.settings.init.sw2)
      .number("sb2", st.settings.init.sb2)
      .integer("depth", st.settings.depth)
      .integer("nets", st.settings.nets)
      .integer("count", static_cast<long long>(st.runs.size()))
      .integer("depth_points", depth_points);
  std::string widths;
  for (const auto& r : st.runs) widths += (widths.empty() ? "" : " ") + std::to_string(r.n);
  figure.parameters.text("widths", widths);
  return figure;
}

void run_finite_width(const FiniteWidthOptions& o) {
  if (!o.out.empty()) figure_script("finite_width.gp");  // an incomplete installation fails at once
  const Study st = run_study(o);
  const Json out = study_json(st, o.widths);
  if (!o.out.empty()) {
    auto files = render_figure(finite_width_figure(st, out));
    files.insert(files.begin(), {{".csv", fit_header + fit_rows(out["layers"], ',', "")},
                                 {"_widths.csv",
                                  "n,l,q_sim,q_se,q_chain,q_chain_se,q_mf,c_sim,c_se,c_mf,"
                                  "grad_sim,grad_se,grad_mf\n" +
                                      width_rows(st, false)},
                                 {".json", out.dump(2) + '\n'}});
    write_files(o.out, files);
  }
  if (o.json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  Json summary = out;
  summary.erase("layers");
  summary.erase("widths");
  std::cout << key_value_table(summary) << "\nn xi_sim xi_mf\n";
  for (const auto& r : st.runs)
    std::cout << r.n << ' ' << format_number(r.xi_sim) << ' ' << format_number(r.xi_mf) << '\n';
  std::cout << '\n' << std::string(fit_header) << fit_rows(out["layers"], ' ', "-");
}

}  // namespace

void add_finite_width_command(CLI::App& app) {
  auto o = std::make_shared<FiniteWidthOptions>();
  o->settings.depth = 30;
  o->settings.nets = 64;
  o->settings.c0 = {0.5, 0.9};
  o->settings.threads = default_threads();
  CLI::App* cmd = app.add_subcommand(
      "finite-width", "Deviation of finite nets from the mean field against width, 1/n fits");
  cmd->add_option("--act", o->act, "activation spec (sign, tanh, quant:16, ...)")->required();
  cmd->add_option("--sw2", o->sw2, "weight variance sigma_w^2, or crit")->capture_default_str();
  cmd->add_option("--sb2", o->settings.init.sb2, "bias variance sigma_b^2")->capture_default_str();
  add_number_list_option(*cmd, "--widths", o->widths, "widths n, at least three [64,128,...,4096]");
  cmd->add_option("--depth", o->settings.depth, "number of layers L")->capture_default_str();
  cmd->add_option("--nets", o->settings.nets, "independent nets per width")->capture_default_str();
  cmd->add_option("--q0", o->settings.q0, "pre-activation variance of the inputs")
      ->capture_default_str();
  add_number_list_option(*cmd, "--c0", o->settings.c0,
                         "the two input pairs' correlations; q, c, grad are the first's [0.5,0.9]");
  add_seed_option(*cmd, o->settings.seed, "random seed");
  add_threads_option(*cmd, o->settings.threads,
                     "OpenMP threads (the output does not depend on it)");
  add_method_option(*cmd, o->settings.method);
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv, PREFIX_widths.csv, PREFIX.json, PREFIX.png/...");
  cmd->callback([o] { run_finite_width(*o); });
}

}  // namespace qmf::cli
