// qmf figure1: the setting of Figure 1 of Blumenfeld, Gilboa and Soudry
// (2019). quant:16 at its critical sigma_w and at sigma_w +- 0.1, +- 0.2
// (sigma_b = 0), several initial correlations: c^l against depth, the
// mean-field iteration as lines, simulated nets as points with error bars.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <numbers>
#include <sstream>

#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

namespace {

struct Figure1Options {
  std::string act = "quant:16";
  SimulationSettings settings;
  std::vector<double> offsets{-0.2, -0.1, 0.0, 0.1, 0.2};  // added to the critical sigma_w
  int marker_every = 5;
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
// those points are only counted.
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
        if (!(e.se > 0.0)) {
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

// The angle in degrees between two inputs of correlation c.
double angle_degrees(double c) { return std::acos(c) * 180.0 / std::numbers::pi; }

// One panel per initial correlation, one colour per sigma_w, and below them a
// legend spanning the figure (a key inside a panel could only be as wide as
// the panel). Each curve's markers sit on their own layers (every k-th,
// offset by the curve's index), so error bars of different curves never overlap.
std::string plot_script(const std::vector<Curve>& curves, double sigma_w_critical,
                        const Figure1Options& o) {
  constexpr const char* colours[] = {"#1b9e77", "#d95f02", "#000000", "#7570b3",
                                     "#e7298a", "#66a61e", "#e6ab02"};
  constexpr int palette = sizeof colours / sizeof colours[0];
  const auto panels = static_cast<int>(o.settings.c0.size());
  const int every = o.marker_every;
  // Panel placement in screen coordinates.
  constexpr double left = 0.1, right = 0.98, gap = 0.04, bottom = 0.3, top = 0.86;
  const double panel_width = (right - left - gap * (panels - 1)) / panels;

  std::ostringstream script;
  script << "set multiplot title "
         << gnuplot_quote(o.act + " nets: correlation against depth,  σ_b^2 = " +
                          format_number(o.settings.init.sb2) +
                          ",  n = " + std::to_string(o.settings.width) + ",  " +
                          std::to_string(o.settings.nets) + " nets per σ_w")
         << "\nset tmargin at screen " << top << "\nset bmargin at screen " << bottom
         << "\nunset key\nset xlabel 'layer l'\nset grid\nset xrange [0:" << o.settings.depth
         << "]\nset yrange [-0.1:1]\nset ytics 0.2\nset bars small\n"
         << "set ylabel 'correlation c^l'\n";
  std::vector<std::string> labels;
  for (const auto& curve : curves) {
    char label[64];
    std::snprintf(label, sizeof label, "σ_w = %.3f%s", curve.sigma_w,
                  curve.sigma_w == sigma_w_critical ? " (critical)" : "");
    labels.emplace_back(label);
  }
  for (int p = 0; p < panels; ++p) {
    const double c0 = o.settings.c0[p];
    char title[96];
    std::snprintf(title, sizeof title, "c^0 = %g  (Δθ = %.0f°)", c0, angle_degrees(c0));
    const double x = left + p * (panel_width + gap);
    script << "set lmargin at screen " << x << "\nset rmargin at screen " << x + panel_width
           << "\nset title " << gnuplot_quote(title) << '\n'
           << (p > 0 ? "unset ylabel\nset format y ''\n" : "") << "plot ";
    for (std::size_t i = 0; i < curves.size(); ++i) {
      const std::string file = gnuplot_quote("sigma_w_" + std::to_string(i) + ".dat");
      const std::string colour = gnuplot_quote(colours[i % palette]);
      script << (i ? ", " : "") << file << " index " << p << " u 1:2 w l lw 2 lc rgb " << colour
             << ", " << file << " index " << p << " every " << every << "::" << i % every
             << " u 1:3:4 w yerrorbars pt 7 ps 0.8*point_unit lc rgb " << colour;
    }
    script << '\n';
  }
  // The legend: key entries in an empty full-width plot below the panels (the
  // NaN curve gives gnuplot something to plot; it draws nothing). UTF-8 rather
  // than {/Symbol} markup, which gnuplot would count into the entries' widths.
  script << "set lmargin at screen " << left << "\nset rmargin at screen " << right
         << "\nset tmargin at screen 0.18\nset bmargin at screen 0.03\nunset border\nunset tics"
         << "\nunset grid\nunset title\nunset xlabel\nunset ylabel\nset xrange [0:1]"
         << "\nset yrange [0:1]\nset key center center vertical maxrows 2 samplen 2 width 0 Left"
         << " reverse title 'lines: mean field,  points: simulation (mean ± 1 s.e. over nets)'"
         << "\nplot NaN notitle";
  for (std::size_t i = 0; i < curves.size(); ++i)
    script << ", keyentry w yerrorlines lw 2 pt 7 ps 0.8*point_unit lc rgb "
           << gnuplot_quote(colours[i % palette]) << " t " << gnuplot_quote(labels[i]);
  script << '\n';
  return script.str() + "unset multiplot\n";
}

void run(const Figure1Options& o) {
  validate(o.settings);
  if (o.marker_every < 1) throw std::invalid_argument("--marker-every must be at least 1");
  if (o.offsets.empty()) throw std::invalid_argument("--offsets needs at least one value");
  const auto phi = make_activation(o.act);
  if (!phi->is_step()) throw std::invalid_argument("--act: figure1 needs a step activation");
  const auto start = std::chrono::steady_clock::now();
  const double sigma_w_critical =
      std::sqrt(maximise_correlation_depth(*phi, o.settings.init.sb2).sw2);
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
  meta["sigma_w_critical"] = sigma_w_critical;
  Json sigmas = Json::array();
  for (const auto& curve : curves) sigmas.push_back(curve.sigma_w);
  meta["sigma_w"] = sigmas;
  meta["offsets"] = o.offsets;
  meta["c0"] = o.settings.c0;
  meta["q0"] = o.settings.q0;
  meta["width"] = o.settings.width;
  meta["depth"] = o.settings.depth;
  meta["nets"] = o.settings.nets;
  meta["seed"] = o.settings.seed;
  meta["marker_every"] = o.marker_every;
  add_agreement(meta, agreement(curves));
  meta["threads"] = o.settings.threads;
  meta["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<DataFile> data;
  for (std::size_t i = 0; i < curves.size(); ++i)
    data.emplace_back("sigma_w_" + std::to_string(i) + ".dat", data_file(curves[i]));
  auto files = render_figure(plot_script(curves, sigma_w_critical, o), data);
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
  o->settings.c0 = {0.3, 0.6, 0.9};
  o->settings.threads = default_threads();
  CLI::App* cmd = app.add_subcommand(
      "figure1",
      "Figure 1 of the paper: c^l against depth near the critical sigma_w, theory and simulation");
  add_out_option(*cmd, o->out, "write PREFIX.csv, PREFIX.json, PREFIX.png/.svg/.pdf")->required();
  cmd->add_option("--act", o->act, "step activation")->capture_default_str();
  cmd->add_option("--sb2", o->settings.init.sb2, "bias variance sigma_b^2 (critical sigma_w at it)")
      ->capture_default_str();
  cmd->add_option("--offsets", o->offsets, "sigma_w offsets from the critical one")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--c0", o->settings.c0, "initial correlations, one input pair each")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--width", o->settings.width,
                  "width n (nets x depth x n^2 weight draws, x2 backward, at most 1e10)")
      ->capture_default_str();
  cmd->add_option("--depth", o->settings.depth, "depth L")->capture_default_str();
  cmd->add_option("--nets", o->settings.nets, "independent nets per sigma_w")
      ->capture_default_str();
  cmd->add_option("--q0", o->settings.q0, "pre-activation variance of the inputs")
      ->capture_default_str();
  add_seed_option(*cmd, o->settings.seed, "random seed of the first sigma_w (+1 for each next)");
  add_threads_option(*cmd, o->settings.threads,
                     "OpenMP threads (the output does not depend on it)");
  cmd->add_option("--marker-every", o->marker_every, "plot every k-th simulated layer")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the metadata as one JSON object");
  cmd->callback([o] { run(*o); });
}

}  // namespace qmf::cli
