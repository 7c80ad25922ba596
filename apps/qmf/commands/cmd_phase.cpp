// qmf phase: the phase diagram over (sigma_w^2, sigma_b^2), its CSV and figure.
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/grid_range.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/shared_options.hpp"
#include "cli/work_limit.hpp"
#include "commands/commands.hpp"
#include "figures/figure.hpp"
#include "figures/phase_figure.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/phase_diagram.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

namespace {

struct PhaseOptions {
  std::string act;
  std::string sw2 = "0.2:4:96";
  std::string sb2 = "0:0.5:64";
  int line_points = 33;
  std::string weights = "gaussian";
  int threads = default_threads();
  bool json = false;
  std::string out;
};

std::string phase_csv(const PhaseDiagram& diagram) {
  std::ostringstream csv;
  csv << "sw2,sb2,q_star,c_star,chi_c,chi_1,xi_c,status\n";
  // The grid's sw2 (latent with quantized weights), not the shared part in p.init.
  for (std::size_t k = 0; k < diagram.points.size(); ++k) {
    const auto& p = diagram.points[k];
    csv << format_number(diagram.sw2[k % diagram.sw2.size()]) << ',' << format_number(p.init.sb2);
    for (double v : {p.q_star, p.c_star, p.chi_c, p.chi_1, p.xi_c})
      csv << ',' << (p.has_values() ? format_number(v) : "");
    csv << ',' << to_string(p.status) << '\n';
  }
  return csv.str();
}

// The grid in --json: one object per point, the CSV's columns as fields
// (values null where the status has none; chi_1 = inf as "inf" + chi_1_infinite).
Json grid_json(const PhaseDiagram& diagram) {
  Json points = Json::array();
  for (std::size_t k = 0; k < diagram.points.size(); ++k) {
    const auto& p = diagram.points[k];
    // The grid's sw2, as in the CSV (p.init.sw2 is the shared part of the weights' variance).
    Json point = {{"sw2", diagram.sw2[k % diagram.sw2.size()]}, {"sb2", p.init.sb2}};
    const std::pair<const char*, double> values[] = {{"q_star", p.q_star},
                                                     {"c_star", p.c_star},
                                                     {"chi_c", p.chi_c},
                                                     {"chi_1", p.chi_1},
                                                     {"xi_c", p.xi_c}};
    for (const auto& [key, value] : values) {
      if (p.has_values())
        set_number(point, key, value);
      else
        point[key] = nullptr;
    }
    point["status"] = std::string(to_string(p.status));
    points.push_back(point);
  }
  return points;
}

Json range_json(const std::vector<double>& values) {
  return {{"from", values.front()}, {"to", values.back()}, {"n", values.size()}};
}

Json line_json(const std::vector<CriticalLinePoint>& line, const std::vector<PhasePoint>& from_q0) {
  Json points = Json::array();
  for (std::size_t k = 0; k < line.size(); ++k) {
    const auto& p = line[k];
    Json point = {{"sb2", p.sb2}, {"sw2", p.sw2}};
    set_number(point, "xi_c", p.xi_c);
    point["q_star"] = p.q_star;
    point["from_q0"] = reaches_line_branch(p, from_q0[k]);
    points.push_back(point);
  }
  return points;
}

// sb2 values for the critical line, quadratically denser towards the lower
// end: near sb2 = 0 the line bends like sqrt(sb2).
std::vector<double> line_sb2(double lo, double hi, int n) {
  std::vector<double> values;
  for (double u : linear_grid(0.0, 1.0, n)) values.push_back(lo + (hi - lo) * u * u);
  return values;
}

// A guard against a mistyped n (0:4:100000 for 0:4:100): the grid would exhaust
// memory or run for days instead of failing at once.
constexpr std::size_t max_grid_points = 10'000'000;

void run(const PhaseOptions& o) {
  const auto sw2 = parse_grid_range(o.sw2, "--sw2");
  const auto sb2 = parse_grid_range(o.sb2, "--sb2");
  if (sw2.size() * sb2.size() > max_grid_points)
    throw std::invalid_argument("--sw2, --sb2: the grid has " +
                                std::to_string(sw2.size() * sb2.size()) + " points (at most " +
                                std::to_string(max_grid_points) + " allowed)");
  const auto phi = make_activation(o.act);
  const WeightSpec weights = parse_weight_spec(o.weights);
  const WeightPrior unit_prior = weight_prior(weights, 1.0);
  // An incomplete installation fails before the grid is computed.
  if (!o.out.empty()) figure_script(phase_figure_script(sw2.size(), sb2.size()));
  // A grid point costs about one correlation-map evaluation's worth of kernel
  // terms (the scan for q* and Newton's steps for c* included), a point of
  // the critical line about 50 (its searches over sw2).
  require_bounded_work(*phi, static_cast<double>(sw2.size() * sb2.size()),
                       {50.0 * o.line_points, "--line-points " + std::to_string(o.line_points)},
                       "--sw2, --sb2 (" + std::to_string(sw2.size() * sb2.size()) + " points)",
                       "grid points");
  const auto start = std::chrono::steady_clock::now();
  PhaseDiagram diagram;
  {
    ProgressBar bar("phase " + phi->spec());
    diagram = phase_diagram(*phi, sw2, sb2, o.threads, std::ref(bar), unit_prior);
  }
  const auto searched = line_sb2(sb2.front(), sb2.back(), o.line_points);
  const auto line = critical_line(*phi, searched, o.threads, unit_prior);
  // The grid starts the length map from q0 = 1; with several stable q* a
  // line point may lie on another branch than the one it reaches.
  std::vector<PhasePoint> from_q0;
  for (const auto& p : line) from_q0.push_back(phase_point_on_line(*phi, p, unit_prior));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Json out = header("phase");
  out["act"] = phi->spec();
  out["sw2"] = range_json(sw2);
  out["sb2"] = range_json(sb2);
  out["line_points"] = o.line_points;
  out["weights"] = weights.text;
  out["sw2_effective_per_sw2"] = unit_prior.variance + unit_prior.per_example_noise;
  out["weight_noise_per_sw2"] = unit_prior.per_example_noise;
  out["threads"] = o.threads;
  std::map<std::string, int> counts;
  for (const auto& p : diagram.points) ++counts[std::string(to_string(p.status))];
  out["status_counts"] = counts;
  out[phi->is_step() ? "best_sw2_line" : "order_chaos_line"] = line_json(line, from_q0);
  out["seconds"] = seconds;
  if (!o.out.empty()) {
    // The title names quantized weights: the axis is then their latent sw2.
    const std::string named = weights.kind == WeightSpec::Kind::gaussian ? "" : weights.text;
    auto files =
        render_phase_figure({diagram, line, from_q0, searched, o.act, named, phi->is_step()});
    files.insert(files.begin(), {{".csv", phase_csv(diagram)}, {".json", out.dump(2) + "\n"}});
    write_files(o.out, files);
  }
  if (o.json) {
    out["grid"] = grid_json(diagram);
    std::cout << out.dump(2) << '\n';
    return;
  }
  if (o.out.empty()) {  // the grid itself, ready for a pipe or a file
    std::cout << phase_csv(diagram);
    return;
  }
  std::cout << key_value_table(out) << "points by status:";
  for (const auto& [status, count] : counts) std::cout << ' ' << status << '=' << count;
  std::cout << '\n';
  if (!o.out.empty()) std::cout << "wrote " << o.out << ".{csv,json,png,svg,pdf}\n";
}

}  // namespace

void add_phase_command(CLI::App& app) {
  auto options = std::make_shared<PhaseOptions>();
  CLI::App* cmd = app.add_subcommand(
      "phase", "Phase diagram over (sigma_w^2, sigma_b^2): q*, c*, chi_c, chi_1, xi_c per point");
  cmd->add_option("--act", options->act, "activation spec")->required();
  cmd->add_option("--sw2", options->sw2,
                  "weight variances A:B:n (both ends included; the grid, plus 50 per line "
                  "point, times 2^15 for smooth activations or K^2 for steps with K "
                  "thresholds (K for quant:N) is limited to 2^28)")
      ->capture_default_str();
  cmd->add_option("--sb2", options->sb2, "bias variances A:B:n (both ends included)")
      ->capture_default_str();
  cmd->add_option("--line-points", options->line_points,
                  "sigma_b^2 values on the critical line of the figure")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  cmd->add_option("--weights", options->weights,
                  "weight spec (as for maps); the grid's sw2 is the latent weights' variance")
      ->capture_default_str();
  add_threads_option(*cmd, options->threads, "OpenMP threads (the output does not depend on it)");
  cmd->add_flag("--json", options->json, "print one JSON object (the metadata and the grid)");
  add_out_option(*cmd, options->out,
                 "write PREFIX.csv, .json, .png, .svg, .pdf (without it and --json, the grid "
                 "is printed as CSV)");
  cmd->callback([options] { run(*options); });
}

}  // namespace qmf::cli
