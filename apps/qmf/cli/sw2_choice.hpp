// --sw2 as a number or "crit" (the activation's critical sigma_w^2), and --q0
// as a number or "star" (the length map's fixed point), shared by the
// subcommands that accept either.
#pragma once

#include <optional>
#include <string>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

/// The word that asks for the critical sigma_w^2.
constexpr const char* critical_sw2_word = "crit";

/// A positive finite number, read strictly (the whole text). Throws
/// std::invalid_argument naming --sw2 otherwise.
double parse_sw2(const std::string& text);

/// No value for "crit", else parse_sw2(text).
std::optional<double> parse_sw2_choice(const std::string& text);

/// The critical initialisation at sb2 with these weights: the latent
/// sigma_w^2 and its length fixed point q* (the one maximising xi_c for a
/// step activation, the order-chaos transition chi_1 = 1 for a smooth one),
/// as `qmf critical --weights` finds them. Quantized weights rescale the
/// Gaussian point by 1 / E[Q^2], except per-example rounding at sb2 > 0 with
/// a step activation, whose maximiser is searched on the noisy maps.
struct CriticalChoice {
  double sw2 = 0.0;
  double q_star = 0.0;
};
CriticalChoice critical_point(const Activation& phi, double sb2, const WeightSpec& weights = {});

/// critical_point(phi, sb2, weights).sw2.
double critical_sw2(const Activation& phi, double sb2, const WeightSpec& weights = {});

/// sigma_w^2 from --sw2: the number given, or critical_sw2(phi, sb2, weights) for "crit".
double resolve_sw2(const std::string& text, const Activation& phi, double sb2,
                   const WeightSpec& weights = {});

/// critical_point(phi, sb2, weights) for "crit", nothing for a number
/// (checked as by parse_sw2).
std::optional<CriticalChoice> critical_choice(const std::string& text, const Activation& phi,
                                              double sb2, const WeightSpec& weights = {});

/// --sw2 of the kernel commands (kernel, kernel-check): checked before the
/// activation is built, then resolved (crit with these weights).
struct ResolvedSw2 {
  double sw2 = 0.0;
  bool critical = false;  // "crit" was given
};
ResolvedSw2 resolve_kernel_sw2(const std::string& text, const std::string& act, double sb2,
                               const std::string& weights);

/// The word that asks for the fixed point q* as the inputs' variance.
constexpr const char* fixed_point_q0_word = "star";

/// q0 from --q0: a positive finite number, or for "star" a stable fixed point
/// q* of the length map at init (so the inputs start in the steady state):
/// `critical_q_star` when it is given and positive (with --sw2 crit, the
/// branch the critical point lies on, which the iteration from q = 1 need not
/// reach when a step activation has several), else the one the iteration
/// from q = 1 reaches. Throws std::invalid_argument naming --q0 for other text.
double resolve_q0(const std::string& text, const Activation& phi, const Initialization& init,
                  std::optional<double> critical_q_star = std::nullopt);

}  // namespace qmf::cli
