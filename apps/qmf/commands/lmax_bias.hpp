// qmf lmax --sb2 S: the depth-quantization trade-off at sigma_b^2 > 0
// (theory.md section 3.5), beside the sigma_b = 0 rows of cmd_lmax.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/output.hpp"

namespace qmf::cli {

/// Adds to `out` (which holds the sigma_b = 0 "rows"):
/// "fixed_quantizer": one row per N of quant:N (A = 1, default spacing) at
/// sb2 with sw2, q_star, c_star, chi_c, xi and L = k xi; "joint": the
/// supremum over (sigma_w^2, D), chi_max(N) of the sigma_b = 0 rows, not
/// attained, with points of the ray approaching it; and with a depth, n_min
/// of the fixed quantizer at sb2.
void add_biased_depth(Json& out, const std::vector<int>& levels, double sb2, double k,
                      std::optional<double> depth);

/// The human-readable tables of add_biased_depth's fields.
std::string biased_depth_table(const Json& out);

/// The levels' work budget at sb2 > 0 (each N costs `searches` searches over
/// sigma_w^2 of O(N)-term map evaluations: one per weight spec and one for
/// Gaussian weights); throws std::invalid_argument naming --levels.
void require_bounded_biased_work(const std::vector<int>& levels, int searches);

}  // namespace qmf::cli
