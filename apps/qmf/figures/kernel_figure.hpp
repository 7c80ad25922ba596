// The figure of `qmf kernel --eigen K --out PREFIX`: the normalised NNGP and
// NTK against the cosine t, and the Mercer eigenvalues against the degree k
// on log axes, for the net asked for and its comparison (real vs stochastic
// binary weights) beside the Gaussian and Laplace references.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/output.hpp"

namespace qmf::cli {

/// Renders the figure from the JSON result of `qmf kernel` with `spectra` and
/// `comparison`. Returns {suffix, bytes} pairs for write_files().
std::vector<std::pair<std::string, std::string>> render_kernel_figure(const Json& result);

}  // namespace qmf::cli
