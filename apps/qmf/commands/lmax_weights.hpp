// qmf lmax --weights / --bits: L_max with quantized weights at sigma_b = 0,
// chi_max(N) / (1 + r) (qmf/weights/weight_depth.hpp), and with --sb2 > 0 the
// fixed quantizer's best latent sigma_w^2 with those weights, beside the rows
// of cmd_lmax.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "qmf/depth/depth_optima.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/weight_depth.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

/// One row per (weights, N) in spec order; optimum_at(N) is the sigma_b = 0
/// optimum of quant:N with Gaussian weights.
Json weight_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels, double k,
                 const std::function<const DepthOptimum&(int)>& optimum_at);

/// One row per (weights, N) in spec order at sb2 > 0: the fixed quantizer
/// quant:N (A = 1, default spacing) with chi_c(c*) of the maps with these
/// weights maximised over the latent sw2 (weight_fixed_quantizer_optimum).
Json biased_weight_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels,
                        double sb2, double k);

/// At most this many per-example specs with --depth at --sb2 > 0: each is a
/// search over N <= 4096 of searches over sigma_w^2 (up to ~40 s).
constexpr int max_noisy_depth_searches = 2;

/// Throws std::invalid_argument naming --depth beyond max_noisy_depth_searches.
void require_bounded_weight_depth_search(const std::vector<WeightSpec>& specs);

/// Adds out["weight_n_min"], one row per spec: the smallest N whose L_max
/// with these weights reaches `depth` at sb2 = 0 for the family of `optima`
/// (n_min, L_max_at_n_min, and L_max_sup, the supremum over N: k / ln(1 + r),
/// null for r = 0), and at out["sb2"] > 0 that of the fixed quantizer
/// (n_min_fixed_quantizer, L_at_n_min_fixed_quantizer; N <= 4096). null where
/// no N reaches the depth (qmf/weights/minimum_levels.hpp).
void add_weight_n_min(Json& out, const std::vector<WeightSpec>& specs, double depth, double k,
                      DepthOptima& optima);

/// The text lines of out["weight_n_min"].
std::string weight_n_min_table(const Json& out);

/// One N x spec table of rows[*][value] per rounding (out["weights"] grouped
/// by their rounding=), a column per spec, headed "title, rounding R (condition)".
std::string tables_by_rounding(const Json& out, const Json& rows, const char* value,
                               const std::string& title, const std::string& condition);

/// L_max as an N x weights table, one block per rounding, a column per spec.
std::string weight_table(const Json& out);

/// The same for the fixed quantizer at sb2 > 0 (out["weight_fixed_quantizer"]).
std::string biased_weight_table(const Json& out);

}  // namespace qmf::cli
