// qmf lmax at sigma_b = 0: the fits of ln(1 - chi_max) and ln D~_opt against ln(N + 1), and the
// bound on the work a level list may ask for.
#pragma once

#include <vector>

#include "cli/output.hpp"
#include "qmf/depth/depth_optima.hpp"

namespace qmf::cli {

/// Least squares of ln(1 - chi_max) ("fit") and of ln D~_opt ("dtilde_fit",
/// N >= 3 only) against ln(N + 1). Throws std::invalid_argument naming --fit
/// for fewer than 3 N.
void add_fits(Json& out, const std::vector<int>& levels, DepthOptima& optima);

/// Throws std::invalid_argument naming --levels, --fit when the listed N
/// would take more than a few minutes.
void require_bounded_work(const std::vector<int>& levels, const std::vector<int>& fit_levels);

}  // namespace qmf::cli
