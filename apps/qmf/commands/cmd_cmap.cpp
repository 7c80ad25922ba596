// qmf cmap: the correlation map c^(l+1) against c^l for a family of
// activations, each at its fixed-point variance q*. Sampled densely near
// c = 1, where step activations have a square-root cusp (1 - c' ~ sqrt(1 - c)).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf::cli {

namespace {

constexpr const char* critical = critical_sw2_word;

struct CmapOptions {
  std::vector<std::string> acts = {"sign", "quant:4", "quant:16", "tanh"};
  // sign's largest xi_c at sigma_b^2 > 0 lies at sigma_w^2 -> infinity, so the
  // default figure shows it at sigma_w^2 = 1 and the others at their critical one.
  std::vector<std::string> sw2 = {"1", critical, critical, critical};
  double sb2 = 0.05;
  int points = 201;
  bool json = false;
  std::string out;
};

struct Curve {
  std::string act;
  bool step = false;
  bool at_critical = false;
  Initialization init;
  double q_star = 0.0;
  double c_star = 0.0;
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

// One requested curve, checked before anything is computed, so that bad
// input (exit 2) never waits behind a slow or failing curve (exit 3).
struct CurveRequest {
  std::unique_ptr<Activation> phi;
  std::optional<double> sw2;  // none: the critical one
};

std::vector<CurveRequest> parse_requests(const CmapOptions& o) {
  if (o.sw2.size() != 1 && o.sw2.size() != o.acts.size())
    throw std::invalid_argument("--sw2: give one value for every activation, or one for all (" +
                                std::to_string(o.acts.size()) + " activations, " +
                                std::to_string(o.sw2.size()) + " values)");
  std::vector<CurveRequest> requests;
  for (std::size_t k = 0; k < o.acts.size(); ++k) {
    const std::string& sw2 = o.sw2[o.sw2.size() == 1 ? 0 : k];
    requests.push_back({make_activation(o.acts[k]),
                        sw2 == critical ? std::nullopt : std::optional(parse_sw2(sw2))});
  }
  return requests;
}

// The activation at the requested sigma_w^2, or at its critical one: the
// chi_1 = 1 line for smooth activations, the xi_c-maximising sw2 for steps.
Curve correlation_curve(const CurveRequest& request, const CmapOptions& o) {
  const Activation& phi = *request.phi;
  Curve curve;
  curve.act = phi.spec();
  curve.step = phi.is_step();
  curve.at_critical = !request.sw2;
  curve.init.sb2 = o.sb2;
  if (request.sw2) {
    curve.init.sw2 = *request.sw2;
    curve.q_star = stable_length_fixed_point(phi, curve.init, 1.0).q;
  } else {
    // As qmf critical finds it, within its work limit.
    const auto point = critical_point(phi, o.sb2);
    curve.init.sw2 = point.sw2;
    curve.q_star = point.q_star;
  }
  curve.c_star = stable_correlation_fixed_point(phi, curve.init, curve.q_star).c;
  curve.c_in = correlation_samples(o.points);
  // At the marginal q* = 0 (tanh at sw2 = 1, sb2 = 0) the map at q is 0/0:
  // its limit q -> 0 is the identity (as qmf maps says), drawn as such.
  for (double c : curve.c_in)
    curve.one_minus_c_out.push_back(
        curve.q_star == 0.0 ? 1.0 - c
                            : correlation_map_complement(phi, curve.init, curve.q_star, c));
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

// The figure: a data file "c  1-c'" per curve, and what the key says of each
// (its activation without options, sigma_w^2 and how that was chosen).
std::vector<std::pair<std::string, std::string>> render_cmap_figure(
    const std::vector<Curve>& curves) {
  Figure figure{"cmap.gp", {}, {}};
  auto& parameters = figure.parameters;
  std::ostringstream fixed_points;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const Curve& curve = curves[k];
    const std::string index = std::to_string(k);
    std::ostringstream dat;
    for (std::size_t i = 0; i < curve.c_in.size(); ++i)
      dat << format_number(curve.c_in[i]) << ' ' << format_number(curve.one_minus_c_out[i]) << '\n';
    figure.data.emplace_back("curve_" + index, dat.str());
    parameters.text("name_" + index, curve.act.substr(0, curve.act.find(',')))
        .number("sw2_" + index, curve.init.sw2)
        .text("role_" + index, !curve.at_critical ? "given"
                               : curve.step       ? "best"
                                                  : "critical")
        .integer("identity_" + index, curve.q_star == 0.0);
    fixed_points << format_number(curve.c_star) << ' ' << format_number(curve.c_star) << '\n';
  }
  figure.data.emplace_back("fixed_points", fixed_points.str());
  parameters.integer("curves", static_cast<long long>(curves.size()))
      .number("sb2", curves.front().init.sb2);
  return render_figure(figure);
}

// --sw2 as given: one number or "crit" for all curves, or one entry per curve.
Json sw2_echo(const std::vector<std::string>& sw2) {
  const auto entry = [](const std::string& text) {
    return text == critical ? Json(text) : Json(parse_sw2(text));
  };
  if (sw2.size() == 1) return entry(sw2.front());
  Json list = Json::array();
  for (const auto& text : sw2) list.push_back(entry(text));
  return list;
}

constexpr const char* identity_note =
    "q* = 0: the correlation map is its q -> 0 limit, the identity";

Json curves_json(const std::vector<Curve>& curves, const CmapOptions& o) {
  Json out = header("cmap");
  out["act"] = o.acts;
  out["sw2"] = sw2_echo(o.sw2);
  out["sb2"] = o.sb2;
  out["points"] = o.points;
  Json list = Json::array();
  for (const auto& k : curves)
    list.push_back({{"act", k.act},
                    {"step", k.step},
                    {"sw2", number(k.init.sw2, "sw2")},
                    {"sw2_choice", k.at_critical ? "critical" : "given"},
                    {"sb2", k.init.sb2},
                    {"q_star", number(k.q_star, "q_star")},
                    {"c_star", number(k.c_star, "c_star")},
                    {"points", k.c_in.size()}});
  for (std::size_t i = 0; i < curves.size(); ++i)
    if (curves[i].q_star == 0.0) list[i]["note"] = identity_note;
  out["curves"] = list;
  return out;
}

void run(const CmapOptions& o) {
  validate({1.0, o.sb2});
  const auto requests = parse_requests(o);
  if (!o.out.empty()) figure_script("cmap.gp");  // an incomplete installation fails at once
  const auto start = std::chrono::steady_clock::now();
  std::vector<Curve> curves;
  for (const auto& request : requests) curves.push_back(correlation_curve(request, o));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Json out = curves_json(curves, o);
  if (!o.out.empty()) {
    // Timing goes to the metadata file only: stdout depends on the input alone.
    Json metadata = out;
    metadata["seconds"] = seconds;
    auto files = render_cmap_figure(curves);
    files.insert(files.begin(), {{".csv", curves_csv(curves)}, {".json", metadata.dump(2) + "\n"}});
    write_files(o.out, files);
  }
  if (o.json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  for (const auto& k : curves)
    std::cout << k.act << "  sw2 = " << readable_number(k.init.sw2)
              << "  q* = " << readable_number(k.q_star) << "  c* = " << readable_number(k.c_star)
              << (k.q_star == 0.0 ? std::string("  (") + identity_note + ")" : "") << '\n';
}

}  // namespace

void add_cmap_command(CLI::App& app) {
  auto options = std::make_shared<CmapOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cmap", "Correlation map c^(l+1) against c^l for several activations at the fixed point q*");
  cmd->add_option("--act", options->acts, "activation specs (several, space separated)")
      ->capture_default_str();
  cmd->add_option("--sw2", options->sw2,
                  "weight variance per activation, or one for all; 'crit': the critical one "
                  "(chi_1 = 1, or largest xi_c for steps); default 'crit' when --act is given")
      ->capture_default_str();
  cmd->add_option("--sb2", options->sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--points", options->points, "evenly spaced correlations on [-1, 1]")
      ->check(CLI::Range(3, 100000))
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "print one JSON object");
  add_out_option(*cmd, options->out, "write PREFIX.csv, .json, .png, .svg, .pdf");
  cmd->callback([options, cmd] {
    // The default sigma_w^2 list belongs to the default activations.
    if (cmd->count("--act") > 0 && cmd->count("--sw2") == 0) options->sw2 = {critical};
    run(*options);
  });
}

}  // namespace qmf::cli
