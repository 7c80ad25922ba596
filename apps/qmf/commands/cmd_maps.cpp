// qmf maps: fixed points, slopes and depth scales of the mean-field maps.
#include <cmath>
#include <iostream>
#include <memory>

#include "cli/output.hpp"
#include "cli/sw2_choice.hpp"
#include "cli/work_limit.hpp"
#include "commands/commands.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

namespace {

struct MapsOptions {
  std::string act;
  std::string sw2;  // a number or "crit"
  double sb2 = 0.0;
  std::string q0 = "1";  // a number or "star"
  double c0 = 0.5;
  std::string weights = "gaussian";
  int depth = -1;
  bool json = false;
};

Json maps_result(const MapsOptions& o) {
  if (!(o.c0 >= -1.0 && o.c0 <= 1.0)) throw std::invalid_argument("--c0 must lie in [-1, 1]");
  parse_sw2_choice(o.sw2);  // a malformed --sw2 fails before the activation is built
  const auto phi = make_activation(o.act);
  const WeightSpec weights = parse_weight_spec(o.weights);
  const bool critical = o.sw2 == critical_sw2_word;
  const auto crit = critical_choice(o.sw2, *phi, o.sb2, weights);
  const double sw2 = crit ? crit->sw2 : parse_sw2(o.sw2);
  validate(Initialization{sw2, o.sb2});
  // --depth iterates both maps: one correlation-map evaluation per layer.
  if (o.depth > 0)
    require_bounded_work(*phi, o.depth, {}, "--depth " + std::to_string(o.depth), "layers");
  // The latent weights' sw2 becomes the variance the inputs share plus the
  // rounding noise each sees alone (qmf/weights/weight_spec.hpp).
  const WeightPrior prior = weight_prior(weights, sw2);
  const Initialization init{prior.variance, o.sb2, prior.per_example_noise};
  const double q0 = resolve_q0(o.q0, *phi, init, crit ? std::optional(crit->q_star) : std::nullopt);
  const auto fixed = mean_field_fixed_point(*phi, init, q0);
  Json out = header("maps");
  out["act"] = phi->spec();
  out["sw2"] = sw2;
  out["sw2_choice"] = critical ? "critical" : "given";
  out["sb2"] = o.sb2;
  out["weights"] = weights.text;
  out["sw2_effective"] = prior.variance + prior.per_example_noise;
  out["weight_noise"] = prior.per_example_noise;
  out["q0"] = q0;
  out["q0_choice"] = o.q0 == fixed_point_q0_word ? "fixed_point" : "given";
  out["c0"] = o.c0;
  out["q_star"] = number(fixed.length.q, "q_star");
  Json points = Json::array();
  for (const auto& p : fixed.all_length_fixed_points)
    points.push_back({{"q", number(p.q, "q")},
                      {"chi_q", number(p.chi_q, "chi_q")},
                      {"stable", p.stable},
                      {"marginal", p.marginal}});
  out["q_fixed_points"] = points;
  out["every_q_fixed"] = fixed.every_q_fixed;
  out["c_star"] = number(fixed.correlation.c, "c_star");
  // 1 - c* = 2 sin^2(theta*/2) from the angle, which keeps its digits where
  // c_star has rounded to 1 (docs/output_format.md).
  // (Far from 1, c_star itself is exact enough.)
  if (const double c = fixed.correlation.c, theta = fixed.correlation.angle; theta > 0.0)
    out["log10_one_minus_c_star"] = number(
        c <= 0.5 ? std::log10(1.0 - c) : std::log10(2.0) + 2.0 * std::log10(std::sin(0.5 * theta)),
        "log10_one_minus_c_star");
  out["chi_q"] = number(fixed.length.chi_q, "chi_q");
  out["chi_c"] = number(fixed.correlation.chi_c, "chi_c");
  set_number(out, "chi_1", fixed.chi_1);
  set_number(out, "xi_q", fixed.xi_q);
  set_number(out, "xi_c", fixed.xi_c);
  if (o.depth >= 0) {
    Json layers = Json::array();
    for (const auto& s : iterate_maps(*phi, init, q0, o.c0, o.depth))
      layers.push_back({{"l", s.layer}, {"q", number(s.q, "q")}, {"c", number(s.c, "c")}});
    out["depth"] = o.depth;
    out["layers"] = layers;
  }
  return out;
}

void print(const Json& out, bool as_json) {
  if (as_json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << key_value_table(out);
  if (out["every_q_fixed"].get<bool>())
    std::cout << "fixed points of the length map: every q > 0 (the map is the identity), "
                 "marginal (chi_q = 1); the net keeps q0\n";
  else
    std::cout << "fixed points of the length map:\n";
  for (const auto& p : out["q_fixed_points"]) {
    const bool marginal = p["marginal"].get<bool>();
    std::cout << "  q = " << readable_number(p["q"].get<double>())
              << "  chi_q = " << readable_number(p["chi_q"].get<double>())
              << (marginal                  ? "  marginal"
                  : p["stable"].get<bool>() ? "  stable"
                                            : "  unstable")
              << '\n';
  }
  if (out["q_star"].get<double>() == 0.0)
    std::cout << "q* = 0 is marginal: q falls algebraically (tanh: q_l ~ 1/(2l)), not at a rate "
                 "1/xi_q, and at q = 0 every c is a fixed point (c_l freezes near c0)\n";
  if (out.contains("layers")) {
    std::cout << "layer  q  c\n";
    for (const auto& s : out["layers"])
      std::cout << s["l"].get<int>() << "  " << readable_number(s["q"].get<double>()) << "  "
                << readable_number(s["c"].get<double>()) << '\n';
  }
}

}  // namespace

void add_maps_command(CLI::App& app) {
  auto options = std::make_shared<MapsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "maps", "Fixed points, slopes chi and depth scales xi of the length and correlation maps");
  cmd->add_option("--act", options->act,
                  "activation spec (sign, tanh, quant:16, steps:..., lloyd:N, ...)")
      ->required();
  cmd->add_option("--sw2", options->sw2,
                  "weight variance sigma_w^2, or crit for the critical one at --sb2 (as in "
                  "qmf critical --weights: latent)")
      ->required();
  cmd->add_option("--sb2", options->sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--q0", options->q0,
                  "initial pre-activation variance, or star for the stable fixed point q* of "
                  "the length map (reached from q = 1; with --sw2 crit the critical point's q*)")
      ->capture_default_str();
  cmd->add_option("--c0", options->c0, "initial correlation for the layer iteration")
      ->capture_default_str();
  cmd->add_option("--weights", options->weights,
                  "weight spec: gaussian, binary, ternary[,p=P], bits:B[,clip=C], each with "
                  "[,rounding=nearest|stochastic|stochastic-per-example]; --sw2 is the latent "
                  "weights' variance")
      ->capture_default_str();
  cmd->add_option("--depth", options->depth,
                  "also iterate the maps for L layers (L x terms per layer <= 2^28: terms are "
                  "K for quant:N, K^2 for other steps with K thresholds, 2^15 for smooth "
                  "activations)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->callback([options] { print(maps_result(*options), options->json); });
}

}  // namespace qmf::cli
