// --sw2 as a number or "crit" (the activation's critical sigma_w^2), shared by
// the subcommands that accept either.
#pragma once

#include <optional>
#include <string>

#include "qmf/activations/activation.hpp"

namespace qmf::cli {

/// The word that asks for the critical sigma_w^2.
constexpr const char* critical_sw2_word = "crit";

/// A positive finite number, read strictly (the whole text). Throws
/// std::invalid_argument naming --sw2 otherwise.
double parse_sw2(const std::string& text);

/// No value for "crit", else parse_sw2(text).
std::optional<double> parse_sw2_choice(const std::string& text);

/// The critical sigma_w^2 at sb2: the one maximising xi_c for a step
/// activation, the order-chaos transition chi_1 = 1 for a smooth one.
double critical_sw2(const Activation& phi, double sb2);

}  // namespace qmf::cli
