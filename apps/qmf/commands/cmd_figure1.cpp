// qmf figure1: the setting of Figure 1 of Blumenfeld, Gilboa and Soudry
// (2019). quant:16 at its critical sigma_w and at sigma_w +- 0.1, +- 0.2
// (sigma_b = 0), several initial correlations: c^l against depth, the
// mean-field iteration as lines, simulated nets as points with error bars.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/comma_list.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/simulation_method.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

namespace {

struct Figure1Options {
  std::string act = "quant:16";
  SimulationSettings settings;
  std::vector<double> offsets{-0.2, -0.1, 0.0, 0.1, 0.2};  // added to the critical sigma_w
  int marker_every = 5;
  bool q0_given = false;  // --q0 on the command line
  bool json = false;
  std::string out;
};

struct Curve {
  double sigma_w = 0.0;
  std::vector<SimulatedLayer> simulated;
  std::vector<PredictedLayer> predicted;
};

// The agreement a reader should check the figure for, over the points
// (curve, pair, layer >= 1) whose simulated correlation varies between nets.
// Where all nets agree (se = 0: a narrow net of a coarse step activation can
// repeat the same correlation), a z-score would be infinite or undefined, so
// those points are only counted. So are spreads at the level of rounding
// (--c0 1: every net has c = 1 up to ~1e-16; review K, 14).
constexpr double rounding_spread = 1e-12;
struct Agreement {
  double max_abs_z = 0.0;
  int points_with_spread = 0;
  int points_within_4se = 0;
  int points_without_spread = 0;
};

Agreement agreement(const std::vector<Curve>& curves) {
  Agreement a;
  for (const auto& curve : curves)
    for (std::size_t l = 1; l < curve.simulated.size(); ++l)
      for (std::size_t p = 0; p < curve.predicted[l].c.size(); ++p) {
        const auto& e = curve.simulated[l].c[p];
        if (!(e.se > rounding_spread)) {
          ++a.points_without_spread;
          continue;
        }
        const double z = std::fabs(e.mean - curve.predicted[l].c[p]) / e.se;
        a.max_abs_z = std::max(a.max_abs_z, z);
        a.points_within_4se += z <= 4.0;
        ++a.points_with_spread;
      }
  return a;
}

// max_abs_z and fraction_within_4se (null when no point has spread), and the
// count of points without spread.
void add_agreement(Json& meta, const Agreement& a) {
  const bool any = a.points_with_spread > 0;
  meta["max_abs_z"] = any ? number(a.max_abs_z, "max_abs_z") : Json();
  meta["fraction_within_4se"] =
      any ? Json(static_cast<double>(a.points_within_4se) / a.points_with_spread) : Json();
  meta["points_without_spread"] = a.points_without_spread;
}

std::string data_file(const Curve& curve) {
  std::ostringstream text;
  for (std::size_t p = 0; p < curve.predicted.front().c.size(); ++p) {
    for (std::size_t l = 0; l < curve.simulated.size(); ++l)
      text << l << ' ' << format_number(curve.predicted[l].c[p]) << ' '
           << format_number(curve.simulated[l].c[p].mean) << ' '
           << format_number(curve.simulated[l].c[p].se) << '\n';
    text << "\n\n";  // one gnuplot data block per initial correlation
  }
  return text.str();
}

std::string csv_file(const std::vector<Curve>& curves, const std::vector<double>& c0) {
  std::ostringstream text;
  text << "sigma_w,sw2,c0,l,c_sim,c_se,c_mf\n";
  for (const auto& curve : curves)
    for (std::size_t p = 0; p < c0.size(); ++p)
      for (std::size_t l = 0; l < curve.simulated.size(); ++l)
        text << format_number(curve.sigma_w) << ',' << format_number(curve.sigma_w * curve.sigma_w)
             << ',' << format_number(c0[p]) << ',' << l << ','
             << format_number(curve.simulated[l].c[p].mean) << ','
             << format_number(curve.simulated[l].c[p].se) << ','
             << format_number(curve.predicted[l].c[p]) << '\n';
  return text.str();
}

// The figure: a data file per sigma_w with one block per initial correlation,
// and the setting.
Figure figure1_figure(const std::vector<Curve>& curves, double sigma_w_critical,
                      const Figure1Options& o) {
  Figure figure{"figure1.gp", {}, {}};
  std::string sigma_w;
  long long critical_curve = -1;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    figure.data.emplace_back("curve_" + std::to_string(i), data_file(curves[i]));
    sigma_w += format_number(curves[i].sigma_w) + ' ';
    if (curves[i].sigma_w == sigma_w_critical) critical_curve = static_cast<long long>(i);
  }
  std::string c0;
  for (double c : o.settings.c0) c0 += format_number(c) + ' ';
  figure.parameters.text("act", o.act)
      .text("sb2", format_number(o.settings.init.sb2))
      .integer("width", o.settings.width)
      .integer("depth", o.settings.depth)
      .integer("nets", o.settings.nets)
      .integer("curves", static_cast<long long>(curves.size()))
      .text("sigma_w", sigma_w)
      .integer("critical_curve", critical_curve)
      .text("c0", c0)
      .integer("marker_every", o.marker_every);
  return figure;
}

// The inputs' variance: --q0, or by default 1 unless the length map at the
// critical sigma_w collapses from there (a multi-branch step activation whose
// critical q* lies on a branch q = 1 does not reach: every simulated net
// would die): then the critical point's own q*, as simulate's --q0 star.
const char* choose_q0(Figure1Options& o, const Activation& phi, const StepCriticalPoint& critical) {
  if (o.q0_given) return "given";
  if (reached_length(phi, {critical.sw2, o.settings.init.sb2}, o.settings.q0) > 0.0)
    return "default";
  o.settings.q0 = critical.q_star;
  return "critical_fixed_point";
}

void run(Figure1Options o) {
  validate(o.settings);
  const auto phi = make_activation(o.act);
  require_simulation_resources(*phi, o.settings);
  if (o.marker_every < 1) throw std::invalid_argument("--marker-every must be at least 1");
  if (o.offsets.empty()) throw std::invalid_argument("--offsets needs at least one value");
  // A curve or panel twice would be the same nets drawn twice (review K, 5).
  const auto text = [](double x) { return format_number(x); };
  require_distinct(o.offsets, "--offsets", text);
  require_distinct(o.settings.c0, "--c0", text);
  if (!phi->is_step()) throw std::invalid_argument("--act: figure1 needs a step activation");
  figure_script("figure1.gp");  // an incomplete installation fails before the simulation
  const auto start = std::chrono::steady_clock::now();
  const StepCriticalPoint critical = maximise_correlation_depth(*phi, o.settings.init.sb2);
  const double sigma_w_critical = std::sqrt(critical.sw2);
  const char* q0_choice = choose_q0(o, *phi, critical);
  std::vector<Curve> curves;
  for (std::size_t i = 0; i < o.offsets.size(); ++i) {
    Curve curve;
    curve.sigma_w = sigma_w_critical + o.offsets[i];
    if (!(curve.sigma_w > 0.0))
      throw std::invalid_argument("--offsets: sigma_w must stay positive");
    SimulationSettings settings = o.settings;
    settings.init.sw2 = curve.sigma_w * curve.sigma_w;
    // Independent nets for every sigma_w (the same seed would give the same
    // nets rescaled, and their chance deviations would repeat from curve to
    // curve, looking like a systematic effect).
    settings.seed = o.settings.seed + i;
    settings.backward = false;  // the figure shows the forward correlation only
    char label[48];
    std::snprintf(label, sizeof label, "sigma_w = %.3f", curve.sigma_w);
    ProgressBar bar(label);
    curve.simulated = simulate_networks(*phi, settings, std::ref(bar));
    curve.predicted = predict_layers(*phi, settings);
    curves.push_back(std::move(curve));
  }

  Json meta = header("figure1");
  meta["act"] = phi->spec();
  meta["sb2"] = o.settings.init.sb2;
  // The offsets are in sigma_w, as in the paper's figure; every other command
  // speaks of the variance sigma_w^2, so both are reported.
  meta["sigma_w_critical"] = sigma_w_critical;
  meta["sw2_critical"] = sigma_w_critical * sigma_w_critical;
  Json sigmas = Json::array();
  Json variances = Json::array();
  for (const auto& curve : curves) {
    sigmas.push_back(curve.sigma_w);
    variances.push_back(curve.sigma_w * curve.sigma_w);
  }
  meta["sigma_w"] = sigmas;
  meta["sw2"] = variances;
  meta["offsets"] = o.offsets;
  meta["c0"] = o.settings.c0;
  meta["q0"] = o.settings.q0;
  meta["q0_choice"] = q0_choice;
  meta["width"] = o.settings.width;
  meta["depth"] = o.settings.depth;
  meta["nets"] = o.settings.nets;
  meta["seed"] = o.settings.seed;
  meta["method"] = method_name(chosen_method(*phi, o.settings));
  meta["marker_every"] = o.marker_every;
  add_agreement(meta, agreement(curves));
  meta["threads"] = o.settings.threads;
  meta["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto files = render_figure(figure1_figure(curves, sigma_w_critical, o));
  files.insert(files.begin(),
               {{".csv", csv_file(curves, o.settings.c0)}, {".json", meta.dump(2) + '\n'}});
  write_files(o.out, files);
  if (o.json)
    std::cout << meta.dump(2) << '\n';
  else
    std::cout << key_value_table(meta);
}

}  // namespace

void add_figure1_command(CLI::App& app) {
  auto o = std::make_shared<Figure1Options>();
  o->settings.width = 1000;
  o->settings.depth = 100;
  o->settings.nets = 32;
  o->settings.backward = false;  // the figure shows the forward correlation only
  o->settings.c0 = {0.3, 0.6, 0.9};
  o->settings.threads = default_threads();
  CLI::App* cmd = app.add_subcommand(
      "figure1",
      "Figure 1 of the paper: c^l against depth near the critical sigma_w, theory and simulation");
  add_out_option(*cmd, o->out, "write PREFIX.csv, PREFIX.json, PREFIX.png/.svg/.pdf")->required();
  cmd->add_option("--act", o->act, "step activation")->capture_default_str();
  cmd->add_option("--sb2", o->settings.init.sb2, "bias variance sigma_b^2 (critical sigma_w at it)")
      ->capture_default_str();
  add_number_list_option(*cmd, "--offsets", o->offsets,
                         "sigma_w offsets from the critical one [-0.2,-0.1,0,0.1,0.2]");
  add_number_list_option(*cmd, "--c0", o->settings.c0,
                         "initial correlations, one input pair each [0.3,0.6,0.9]");
  cmd->add_option("--width", o->settings.width,
                  "width n (at most 1e10 weight draws: nets x depth x n^2 drawing weights; "
                  "5e10 normal draws by Gram: nets x depth x n x inputs)")
      ->capture_default_str();
  cmd->add_option("--depth", o->settings.depth, "depth L")->capture_default_str();
  cmd->add_option("--nets", o->settings.nets, "independent nets per sigma_w")
      ->capture_default_str();
  cmd->add_option("--q0", o->settings.q0,
                  "pre-activation variance of the inputs (default 1, or the critical point's q* "
                  "where the length map collapses from 1)")
      ->capture_default_str();
  add_seed_option(*cmd, o->settings.seed, "random seed of the first sigma_w (+1 for each next)");
  add_threads_option(*cmd, o->settings.threads,
                     "OpenMP threads (the output does not depend on it)");
  add_method_option(*cmd, o->settings.method);
  cmd->add_option("--marker-every", o->marker_every, "plot every k-th simulated layer")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the metadata as one JSON object");
  cmd->callback([o, cmd] {
    o->q0_given = cmd->count("--q0") > 0;
    run(*o);
  });
}

}  // namespace qmf::cli
