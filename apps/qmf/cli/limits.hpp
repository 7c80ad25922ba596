// The program's resource policy: limits the library leaves to its callers.
#pragma once

#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

/// The most memory a simulation may keep alive: a mistyped width or depth
/// should fail at once, not after the machine starts swapping.
constexpr double simulation_memory_limit_bytes = 4.0 * 1024 * 1024 * 1024;

/// The most weights a simulation may draw: a run within a few minutes.
constexpr double simulation_weight_draw_limit = 1e10;

/// The most normal draws a Gram simulation may take: about 2-3 ns each with
/// the arithmetic around them, so a run within about two minutes of CPU.
constexpr double simulation_gram_draw_limit = 5e10;

/// Throws std::invalid_argument naming the options and the limit when the
/// settings need more memory or more weight draws than these limits.
void require_simulation_resources(const SimulationSettings& settings);

}  // namespace qmf::cli
