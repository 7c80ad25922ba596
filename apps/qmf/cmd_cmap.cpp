// qmf cmap: the correlation map c^(l+1) against c^l for a family of
// activations, each at its fixed-point variance q*. Sampled densely near
// c = 1, where step activations have a square-root cusp (1 - c' ~ sqrt(1 - c)).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "figure.hpp"
#include "output.hpp"
#include "qmf/critical.hpp"
#include "qmf/fixed_points.hpp"

namespace qmf::cli {

namespace {

struct CmapOptions {
  // erf stands in for tanh: the library's 2-D quadrature for tanh near c = 1
  // currently takes minutes per curve (pass --act ... tanh to include it).
  std::vector<std::string> acts = {"sign", "quant:4", "quant:16", "erf"};
  std::optional<double> sw2;
  double sb2 = 0.05;
  int points = 201;
  bool json = false;
  std::string out;
};

struct Curve {
  std::string act;
  Initialization init;
  double q_star = 0.0;
  std::vector<double> c_in;
  std::vector<double> one_minus_c_out;
};

// Evenly spaced on [-1, 1] plus 1 - c from 1e-1 down to 1e-10, four per decade.
std::vector<double> correlation_samples(int points) {
  std::vector<double> c;
  for (int i = 0; i < points; ++i) c.push_back(-1.0 + 2.0 * i / (points - 1));
  for (int k = 4; k <= 40; ++k) c.push_back(1.0 - std::pow(10.0, -k / 4.0));
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return c;
}

// Each activation at the given sigma_w^2, or at its own critical one:
// the chi_1 = 1 line for smooth activations, the xi_c-maximising sw2 for steps.
Curve correlation_curve(const std::string& spec, const CmapOptions& o) {
  const auto phi = make_activation(spec);
  Curve curve;
  curve.act = phi->spec();
  curve.init.sb2 = o.sb2;
  if (o.sw2) {
    curve.init.sw2 = *o.sw2;
    curve.q_star = stable_length_fixed_point(*phi, curve.init, 1.0).q;
  } else if (phi->is_step()) {
    const auto best = maximise_correlation_depth(*phi, o.sb2);
    curve.init.sw2 = best.sw2;
    curve.q_star = best.q_star;
  } else {
    const auto transition = order_chaos_transition(*phi, o.sb2);
    curve.init.sw2 = transition.sw2;
    curve.q_star = transition.q_star;
  }
  curve.c_in = correlation_samples(o.points);
  for (double c : curve.c_in)
    curve.one_minus_c_out.push_back(correlation_map_complement(*phi, curve.init, curve.q_star, c));
  return curve;
}

std::string curves_csv(const std::vector<Curve>& curves) {
  std::ostringstream csv;
  csv << "act,sw2,sb2,q_star,c_in,c_out,one_minus_c_in,one_minus_c_out\n";
  for (const auto& k : curves)
    for (std::size_t i = 0; i < k.c_in.size(); ++i)
      csv << '"' << k.act << "\"," << format_number(k.init.sw2) << ',' << format_number(k.init.sb2)
          << ',' << format_number(k.q_star) << ',' << format_number(k.c_in[i]) << ','
          << format_number(1.0 - k.one_minus_c_out[i]) << ',' << format_number(1.0 - k.c_in[i])
          << ',' << format_number(k.one_minus_c_out[i]) << '\n';
  return csv.str();
}

std::string short_name(const std::string& spec) { return spec.substr(0, spec.find(',')); }

std::vector<std::pair<std::string, std::string>> render_cmap_figure(
    const std::vector<Curve>& curves) {
  std::vector<DataFile> data;
  std::ostringstream left;
  std::ostringstream right;
  const char* colours[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"};
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const std::string file = "curve" + std::to_string(k) + ".dat";
    std::ostringstream dat;
    for (std::size_t i = 0; i < curves[k].c_in.size(); ++i)
      dat << format_number(curves[k].c_in[i]) << ' ' << format_number(curves[k].one_minus_c_out[i])
          << '\n';
    data.emplace_back(file, dat.str());
    char sigma[64];
    std::snprintf(sigma, sizeof sigma, " (σ@_w^2 = %.3g)", curves[k].init.sw2);
    const std::string style = " with lines lw 2.5 lc rgb '" +
                              std::string(colours[k % std::size(colours)]) + "' title " +
                              gnuplot_quote(short_name(curves[k].act) + sigma);
    left << ", '" << file << "' using 1:(1-$2)" << style;
    right << ", '" << file << "' using (1-$1):2" << style;
  }
  std::ostringstream gp;
  char title[96];
  std::snprintf(title, sizeof title, "Correlation maps at the fixed point q^*, σ@_b^2 = %.3g",
                curves.front().init.sb2);
  gp << "set multiplot layout 1,2 title " << gnuplot_quote(title) << "\n"
     << "set tics out nomirror\nset key bottom right samplen 1.5\n"
     << "set xlabel 'input correlation c^l'\nset ylabel 'output correlation c^{l+1}'\n"
     << "set xrange [-1:1]\nset yrange [-1:1]\nset size ratio -1\n"
     << "plot x with lines dt 2 lw 1.5 lc rgb 'gray40' title 'identity'" << left.str() << "\n"
     << "set logscale xy\nset format xy '10^{%L}'\nset key bottom right\n"
     << "set xlabel '1 - c^l'\nset ylabel '1 - c^{l+1}'\nset xrange [1e-10:1]\n"
     << "set yrange [*:*]\nset size noratio\n"
     << "plot x with lines dt 2 lw 1.5 lc rgb 'gray40' title 'identity',"
     << " 1e-2*sqrt(x) with lines dt 3 lw 1.5 lc rgb 'black' title '∝ (1 - c)^{1/2}'" << right.str()
     << "\nunset multiplot\n";
  return render_figure(gp.str(), data);
}

Json curves_json(const std::vector<Curve>& curves, const CmapOptions& o) {
  Json out = header("cmap");
  out["sb2"] = o.sb2;
  out["sw2"] = o.sw2 ? Json(*o.sw2) : Json("critical");
  Json list = Json::array();
  for (const auto& k : curves)
    list.push_back({{"act", k.act},
                    {"sw2", number(k.init.sw2, "sw2")},
                    {"sb2", k.init.sb2},
                    {"q_star", number(k.q_star, "q_star")},
                    {"points", k.c_in.size()}});
  out["curves"] = list;
  return out;
}

void run(const CmapOptions& o) {
  if (o.sw2) validate({*o.sw2, o.sb2});
  validate({1.0, o.sb2});
  std::vector<Curve> curves;
  for (const auto& spec : o.acts) curves.push_back(correlation_curve(spec, o));
  const Json out = curves_json(curves, o);
  if (!o.out.empty()) {
    auto files = render_cmap_figure(curves);
    files.insert(files.begin(), {{".csv", curves_csv(curves)}, {".json", out.dump(2) + "\n"}});
    write_files(o.out, files);
  }
  if (o.json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  for (const auto& k : curves)
    std::cout << k.act << "  sw2 = " << format_number(k.init.sw2)
              << "  q* = " << format_number(k.q_star) << '\n';
}

}  // namespace

void add_cmap_command(CLI::App& app) {
  auto options = std::make_shared<CmapOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cmap", "Correlation map c^(l+1) against c^l for several activations at the fixed point q*");
  cmd->add_option("--act", options->acts, "activation specs (several, space separated)")
      ->capture_default_str();
  cmd->add_option("--sw2", options->sw2,
                  "weight variance for every activation (default: each at its critical one)");
  cmd->add_option("--sb2", options->sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--points", options->points, "evenly spaced correlations on [-1, 1]")
      ->check(CLI::Range(3, 100000))
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->add_option("--out", options->out, "write PREFIX.csv, .json, .png, .svg, .pdf");
  cmd->callback([options] { run(*options); });
}

}  // namespace qmf::cli
