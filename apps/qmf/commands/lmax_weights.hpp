// qmf lmax --weights / --bits: L_max with quantized weights at sigma_b = 0,
// chi_max(N) / (1 + r) (qmf/weights/weight_depth.hpp), beside the rows of
// cmd_lmax.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/weight_depth.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

/// One row per (weights, N) in spec order; optimum_at(N) is the sigma_b = 0
/// optimum of quant:N with Gaussian weights.
Json weight_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels, double k,
                 const std::function<const DepthOptimum&(int)>& optimum_at);

/// L_max as an N x weights table, one block per rounding, a column per spec.
std::string weight_table(const Json& out);

}  // namespace qmf::cli
