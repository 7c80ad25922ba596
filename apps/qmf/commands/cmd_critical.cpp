// qmf critical: the initialisation that maximises the correlation depth scale
// (step activations) or sits on the order-chaos line (smooth activations).
#include <cmath>
#include <iostream>
#include <memory>

#include "cli/output.hpp"
#include "cli/work_limit.hpp"
#include "commands/commands.hpp"
#include "qmf/kernel/critical_initialisation.hpp"
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
  const auto phi = make_activation(o.act);
  const WeightSpec weights = parse_weight_spec(o.weights);
  require_bounded_critical_search(*phi, o.sb2);
  const CriticalInitialisation point =
      critical_initialisation(*phi, o.sb2, weight_prior(weights, 1.0), o.k);
  Json out = header("critical");
  out["act"] = phi->spec();
  out["sb2"] = o.sb2;
  out["weights"] = weights.text;
  if (point.step) {
    out["sw_opt"] = number(std::sqrt(point.sw2), "sw_opt");
    out["sw2_opt"] = number(point.sw2, "sw2_opt");
  } else {
    out["sw2_crit"] = number(point.sw2, "sw2_crit");
  }
  out["q_star"] = number(point.q_star, "q_star");
  if (point.step) out["dtilde_opt"] = nullable_number(point.dtilde, "dtilde_opt");
  out["c_star"] = number(point.c_star, "c_star");
  out["chi_c"] = number(point.chi, "chi_c");
  set_number(out, "xi_c", point.xi);
  // A step activation's best chi_c under the contract's names too (at sigma_b
  // = 0 the paper's chi_max(N); at sigma_b > 0 the best at that sigma_b).
  if (point.step) {
    out["chi_max"] = out["chi_c"];
    set_number(out, "xi_max", point.xi);
  }
  if (point.step) out["degenerate"] = point.degenerate;
  out["sw2_effective"] = number(point.sw2_effective, "sw2_effective");
  out["weight_noise"] = number(point.weight_noise, "weight_noise");
  out["k"] = o.k;
  set_number(out, "L_max", point.l_max);
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
