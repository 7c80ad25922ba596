// qmf critical: the initialisation that maximises the correlation depth scale
// (step activations) or sits on the order-chaos line (smooth activations).
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/output.hpp"
#include "commands/commands.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

namespace {

struct CriticalOptions {
  std::string act;
  double sb2 = 0.0;
  std::string weights = "gaussian";
  double k = 6.0;  // L_max = k xi
  bool json = false;
};

Json critical_result(const CriticalOptions& o) {
  if (!(o.k > 0.0 && std::isfinite(o.k)))
    throw std::invalid_argument("--k must be positive and finite");
  const auto phi = make_activation(o.act);
  Json out = header("critical");
  out["act"] = phi->spec();
  out["sb2"] = o.sb2;
  // The searches run over the latent sw2 of the weights; the maps see
  // E[Q^2] sw2, of which the per-example rounding noise is nu sw2.
  const WeightSpec weights = parse_weight_spec(o.weights);
  const WeightPrior unit_prior = weight_prior(weights, 1.0);
  out["weights"] = weights.text;
  auto add_effective = [&](double sw2) {
    out["sw2_effective"] =
        number(sw2 * (unit_prior.variance + unit_prior.per_example_noise), "sw2_effective");
    out["weight_noise"] = number(sw2 * unit_prior.per_example_noise, "weight_noise");
  };
  if (phi->is_step()) {
    const auto point = maximise_correlation_depth(*phi, o.sb2, unit_prior);
    out["sw_opt"] = number(std::sqrt(point.sw2), "sw_opt");
    out["sw2_opt"] = number(point.sw2, "sw2_opt");
    out["q_star"] = number(point.q_star, "q_star");
    const double spacing = phi->central_spacing();
    out["dtilde_opt"] =
        std::isnan(spacing) ? Json() : number(spacing / std::sqrt(point.q_star), "dtilde_opt");
    out["c_star"] = number(point.c_star, "c_star");
    // chi_max and xi_max name the sigma_b = 0 optimum of theory.md section 3;
    // at sb2 > 0 the values are chi_c(c*) and xi_c at the best sigma_w, as `maps` names them.
    const bool unbiased = o.sb2 == 0.0;
    out[unbiased ? "chi_max" : "chi_c"] = number(point.chi_max, "chi_max");
    out[unbiased ? "xi_max" : "xi_c"] = number(point.xi_max, "xi_max");
    out["degenerate"] = point.degenerate;
    add_effective(point.sw2);
    out["k"] = o.k;
    set_number(out, "L_max", o.k * point.xi_max);
  } else {
    const auto point = order_chaos_transition(*phi, o.sb2, unit_prior);
    out["sw2_crit"] = number(point.sw2, "sw2_crit");
    out["q_star"] = number(point.q_star, "q_star");
    add_effective(point.sw2);
    out["c_star"] = number(point.c_star, "c_star");
    out["chi_c"] = number(point.chi_c, "chi_c");
    set_number(out, "xi_c", point.xi_c);
    // On the order-chaos line chi_c(c*) = 1 (every depth trains) unless
    // per-example weight noise moves c* below 1.
    out["k"] = o.k;
    set_number(out, "L_max", o.k * point.xi_c);
  }
  return out;
}

}  // namespace

void add_critical_command(CLI::App& app) {
  auto options = std::make_shared<CriticalOptions>();
  CLI::App* cmd = app.add_subcommand("critical",
                                     "Critical initialisation: best sigma_w for step activations, "
                                     "the chi_1 = 1 line for smooth ones");
  cmd->add_option("--act", options->act, "activation spec")->required();
  cmd->add_option("--sb2", options->sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--weights", options->weights,
                  "weight spec (as for maps); the reported sw2 is the latent weights' variance, "
                  "sw2_effective = E[Q^2] sw2 the one the maps see");
  cmd->add_option("--k", options->k, "also report the trainable depth L_max = k xi")
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->callback([options] {
    const Json out = critical_result(*options);
    if (options->json)
      std::cout << out.dump(2) << '\n';
    else
      std::cout << key_value_table(out);
  });
}

}  // namespace qmf::cli
