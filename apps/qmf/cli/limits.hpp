// The program's resource policy: limits the library leaves to its callers.
#pragma once

#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

/// The most memory a simulation may keep alive: a mistyped width or depth
/// should fail at once, not after the machine starts swapping.
constexpr double simulation_memory_limit_bytes = 4.0 * 1024 * 1024 * 1024;

/// Throws std::invalid_argument naming the options and the limit when the
/// settings need more memory than simulation_memory_limit_bytes.
void require_simulation_memory(const SimulationSettings& settings);

}  // namespace qmf::cli
