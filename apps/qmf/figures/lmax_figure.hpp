// The Figure-2 reproduction of `qmf lmax`: log-log panels of 1 - chi_max and
// D~_opt against N + 1 (with L_max = k xi_max on a right-hand axis), the exact
// points over fitted, published or high-resolution reference curves.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/output.hpp"

namespace qmf::cli {

/// Renders the figure from the JSON result of `qmf lmax` (its rows, and its
/// `fit` and `dtilde_fit` when present). Returns {suffix, bytes} pairs for write_files().
std::vector<std::pair<std::string, std::string>> render_lmax_figure(const Json& result);

}  // namespace qmf::cli
