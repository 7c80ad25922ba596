// --ste-slope and --ste-clip, resolved the same way by every subcommand that
// back-propagates: they exist for step activations only, and the slope
// defaults to the gradient-preserving one at q*.
#pragma once

#include <optional>
#include <string>

#include "qmf/activations/backward_derivative.hpp"

namespace qmf::cli {

/// The STE for phi (a default StraightThrough for smooth phi, which use phi').
/// `window` is --ste-window's "lo:hi" (ends may be inf or -inf), which replaces
/// the box [-clip, clip]. Throws std::invalid_argument naming the option for a
/// smooth phi given any option, a clip that is not a positive finite number,
/// a malformed window, or both --ste-clip and --ste-window.
StraightThrough straight_through_for(const Activation& phi, const Initialization& init, double q0,
                                     std::optional<double> slope, std::optional<double> clip,
                                     const std::optional<std::string>& window = std::nullopt);

}  // namespace qmf::cli
