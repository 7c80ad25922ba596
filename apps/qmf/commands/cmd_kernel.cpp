// qmf kernel: the NNGP and NTK of a deep net on a grid of input cosines, and
// optionally their Mercer spectra on the sphere S^(d-1) with decay fits beside
// Gaussian and Laplace kernels of matched bandwidth (docs/kernels.md).
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/integer_range.hpp"
#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "commands/kernel_spectrum.hpp"
#include "figures/figure.hpp"
#include "figures/kernel_figure.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace qmf::cli {

namespace {

struct KernelOptions {
  std::string act;
  std::string sw2;  // a number or "crit"
  Initialization init;
  int depth = 3;
  double q0 = 1.0;
  int t_points = 201;
  int dim = 784;
  std::optional<int> eigen;
  std::string weights = "gaussian";
  std::string quasi = "exact";
  std::string derivative = "true";
  std::optional<double> ste_slope;
  std::optional<double> ste_clip;
  bool json = false;
  std::string out;
};

DerivativeKernel derivative_for(const Activation& phi, const KernelOptions& o) {
  return requested_derivative_kernel(phi, parse_derivative_kind(o.derivative), o.init, o.q0,
                                     o.ste_slope, o.ste_clip);
}

// The kernels of the net asked for on any cosines: Gaussian weights with the
// chosen derivative kernel, or the quasi network of per-example rounding.

KernelSource kernel_source(const Activation& phi, const KernelOptions& o,
                           const DerivativeKernel& derivative,
                           const std::optional<QuasiNetwork>& quasi) {
  if (quasi)
    return [&phi, &o, net = *quasi](std::span<const double> t) {
      return quasi_kernel_on_grid(phi, o.init, o.q0, t, o.depth, net);
    };
  return [&phi, &o, &derivative](std::span<const double> t) {
    return kernel_on_grid(phi, o.init, o.q0, t, o.depth, derivative);
  };
}

// The quasi network for weights rounded per example; none for Gaussian
// weights; other weight specs have no kernel here (fixed quantized weights
// have no tangent kernel in their own values).
std::optional<QuasiNetwork> quasi_for(const KernelOptions& o) {
  const WeightSpec spec = parse_weight_spec(o.weights);
  const QuasiVariance variance = parse_quasi_variance(o.quasi);
  if (spec.kind == WeightSpec::Kind::gaussian) {
    if (variance != QuasiVariance::exact)
      throw std::invalid_argument(
          "--quasi applies to weights with rounding=stochastic-per-example");
    return std::nullopt;
  }
  if (o.derivative != "true")
    throw std::invalid_argument("derivative must be true for the quasi network (got '" +
                                o.derivative + "'): its smoothed psi' is finite");
  return quasi_network(spec, variance);
}

// The kernels on the grid and, with --eigen, the NNGP and NTK spectra.
void add_kernels(Json& out, const KernelSource& kernels, std::span<const double> t) {
  const auto values = kernels(t);
  const double unit = 1.0;
  const KernelValues one = kernels(std::span(&unit, 1)).front();
  out["nngp_at_1"] = number(one.nngp, "nngp");
  out["ntk_at_1"] = number(one.ntk, "ntk");
  Json grid = Json::array();
  for (std::size_t i = 0; i < t.size(); ++i)
    grid.push_back({{"t", t[i]},
                    {"nngp", number(values[i].nngp, "nngp")},
                    {"ntk", number(values[i].ntk, "ntk")}});
  out["kernels"] = grid;
}

// The other weights for the figure's comparison: real (Gaussian) weights
// beside stochastic binary ones and vice versa, true derivative.
Json comparison(const Activation& phi, const KernelOptions& o, bool quasi,
                std::span<const double> t) {
  KernelOptions other = o;
  other.weights = quasi ? "gaussian" : "binary,rounding=stochastic-per-example";
  other.quasi = "exact";
  other.derivative = "true";
  const DerivativeKernel derivative(phi);
  const std::optional<QuasiNetwork> net = quasi_for(other);
  const KernelSource kernels = kernel_source(phi, other, derivative, net);
  Json out;
  out["weights"] = parse_weight_spec(other.weights).text;
  out["network"] = net ? "quasi" : "gaussian-weights";
  add_kernels(out, kernels, t);
  const Json s = kernel_spectra(kernels, other.dim, *other.eigen);
  out["spectra"] = {{"nngp", s["nngp"]}, {"ntk", s["ntk"]}};
  return out;
}

Json kernel_result(const KernelOptions& o) {
  const auto phi = make_activation(o.act);
  const std::optional<QuasiNetwork> quasi = quasi_for(o);
  const DerivativeKernel derivative = derivative_for(*phi, o);
  const KernelSource kernels = kernel_source(*phi, o, derivative, quasi);
  // Upper limits keep a run within seconds to minutes, not hours.
  require_integer_range("depth", o.depth, 1, 10000);
  require_integer_range("t_points", o.t_points, 2, 100000);
  require_integer_range("dim", o.dim, 3, 100000);  // echoed in the output even without --eigen
  if (o.eigen) require_integer_range("eigen", *o.eigen, 1, 1000);
  const std::vector<double> t = cosine_grid(o.t_points);
  Json out = header("kernel");
  out["act"] = phi->spec();
  out["weights"] = parse_weight_spec(o.weights).text;
  out["network"] = quasi ? "quasi" : "gaussian-weights";
  out["quasi"] = nullptr;  // not applicable to Gaussian weights
  if (quasi) {
    out["quasi"] = to_string(quasi->variance);
    out["theta_second_moment"] = quasi->weights.covariance;
  }
  out["sw2"] = o.init.sw2;
  out["sb2"] = o.init.sb2;
  out["depth"] = o.depth;
  out["q0"] = o.q0;
  out["t_points"] = o.t_points;
  out["dim"] = o.dim;
  out["derivative"] = to_string(derivative.kind());
  if (derivative.kind() == DerivativeKind::straight_through) {
    out["ste_slope"] = number(derivative.surrogate().slope, "ste_slope");
    out["ste_clip"] = number(derivative.surrogate().clip, "ste_clip");
  }
  add_kernels(out, kernels, t);
  if (o.eigen) {
    out["eigen"] = *o.eigen;
    out["spectra"] = kernel_spectra(kernels, o.dim, *o.eigen);
    out["comparison"] = comparison(*phi, o, quasi.has_value(), t);
  }
  return out;
}

std::string kernels_csv(const Json& out) {
  std::ostringstream csv;
  csv << "t,nngp,ntk,nngp_normalised,ntk_normalised\n";
  const double nngp1 = out["nngp_at_1"].get<double>(), ntk1 = out["ntk_at_1"].get<double>();
  for (const auto& row : out["kernels"]) {
    const double nngp = row["nngp"].get<double>(), ntk = row["ntk"].get<double>();
    csv << format_number(row["t"].get<double>()) << ',' << format_number(nngp) << ','
        << format_number(ntk) << ',' << format_number(nngp / nngp1) << ','
        << format_number(ntk / ntk1) << '\n';
  }
  return csv.str();
}

std::string fit_cell(const Json& spectrum, const char* which) {
  char cell[64];
  if (spectrum.is_null() || spectrum[which].is_null())
    std::snprintf(cell, sizeof cell, "%12s %10s", "-", "-");
  else
    std::snprintf(cell, sizeof cell, "%12.6g %10.6f", spectrum[which]["slope"].get<double>(),
                  spectrum[which]["r2"].get<double>());
  return cell;
}

void print(const Json& out, bool as_json) {
  if (as_json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << key_value_table(out);
  if (!out.contains("spectra")) return;
  const Json& spectra = out["spectra"];
  std::cout << key_value_table(spectra)
            << "kernel      exp_slope     exp_r2  power_slope   power_r2  degrees  rel.change\n";
  for (const char* name : {"nngp", "ntk", "gaussian", "laplace"}) {
    const Json& s = spectra[name];
    char line[160];
    std::snprintf(line, sizeof line, "%-8s %s %s  %7s  %s\n", name,
                  fit_cell(s, "exponential").c_str(), fit_cell(s, "power").c_str(),
                  s.is_null() || !s.contains("fit_degrees")
                      ? "-"
                      : std::to_string(s["fit_degrees"].get<int>()).c_str(),
                  s.is_null() ? "-" : readable_number(s["relative_change"].get<double>()).c_str());
    std::cout << line;
  }
}

}  // namespace

void add_kernel_command(CLI::App& app) {
  auto o = std::make_shared<KernelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "kernel", "NNGP and NTK on a grid of input cosines, Mercer spectra on the sphere");
  cmd->add_option("--act", o->act, "activation spec (sign, tanh, quant:16, ...)")->required();
  cmd->add_option("--sw2", o->sw2,
                  "weight variance sigma_w^2, or crit for the critical one at --sb2 (as in "
                  "qmf critical --weights: latent)")
      ->required();
  cmd->add_option("--sb2", o->init.sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--depth", o->depth, "number of dense layers L (at least 1)")
      ->capture_default_str();
  cmd->add_option("--q0", o->q0, "squared input norm per unit ||x||^2 / d")->capture_default_str();
  cmd->add_option("--t-points", o->t_points, "equally spaced cosines t in [-1, 1] (at least 2)")
      ->capture_default_str();
  cmd->add_option("--dim", o->dim, "sphere dimension d of the spectrum (inputs on S^(d-1))")
      ->capture_default_str();
  cmd->add_option("--eigen", o->eigen, "Mercer eigenvalues of degrees 0..K (default: none)");
  cmd->add_option("--weights", o->weights,
                  "gaussian, or a spec with rounding=stochastic-per-example: the quasi network "
                  "(e.g. binary,rounding=stochastic-per-example)")
      ->capture_default_str();
  cmd->add_option("--quasi", o->quasi,
                  "quasi network's smoothing variance: exact (wide-limit expectation) or "
                  "composed (psi outputs fed on as inputs)")
      ->capture_default_str();
  cmd->add_option("--derivative", o->derivative,
                  "derivative kernel of the NTK: true (phi'; zero for steps) or ste")
      ->capture_default_str();
  cmd->add_option("--ste-slope", o->ste_slope,
                  "STE slope s of g(x) = s 1{|x| <= tau} (--derivative ste; default: the "
                  "gradient-preserving 1/(sigma_w sqrt(erf(tau/sqrt(2 q*)))))");
  cmd->add_option("--ste-clip", o->ste_clip, "STE clip tau (--derivative ste; default 1)");
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out,
                 "write PREFIX.csv (t, kernels) and PREFIX.json (all); with --eigen also the "
                 "figure PREFIX.png, .svg, .pdf");
  cmd->callback([o] {
    if (!o->out.empty() && o->eigen) figure_script("kernel.gp");  // fail before computing
    const ResolvedSw2 sw2 = resolve_kernel_sw2(o->sw2, o->act, o->init.sb2, o->weights);
    KernelOptions resolved = *o;
    resolved.init.sw2 = sw2.sw2;
    Json out = kernel_result(resolved);
    out["sw2_choice"] = sw2.critical ? "critical" : "given";
    if (!o->out.empty()) {
      std::vector<std::pair<std::string, std::string>> files = {{".csv", kernels_csv(out)},
                                                                {".json", out.dump(2) + '\n'}};
      if (o->eigen)
        for (auto& figure : render_kernel_figure(out)) files.push_back(std::move(figure));
      write_files(o->out, files, {".png", ".svg", ".pdf"});  // the figure needs --eigen
    }
    Json shown = out;
    if (!o->json) shown.erase("kernels"), shown.erase("comparison");
    print(shown, o->json);
  });
}

}  // namespace qmf::cli
