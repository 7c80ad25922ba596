// qmf lmax --optimise-clip: L over the latent sigma_w^2 and the clip of
// bits:B weights together (qmf/weights/clip_supremum.hpp), beside the
// fixed-clip rows of lmax_weights.hpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

/// Throws std::invalid_argument naming --optimise-clip unless every spec is bits:B.
void require_clip_specs(const std::vector<WeightSpec>& specs);

/// One row per (weights, N) in spec order: the supremum over (sw2, clip) at
/// sb2 = 0 (sb2 = 0 and optimum_at the Gaussian-weight optimum of each N) or
/// of the fixed quantizer quant:N at sb2 > 0.
Json clip_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels, double k,
               double sb2, const std::function<const DepthOptimum&(int)>& optimum_at);

/// The tables of L_sup per rounding with where the supremum lies, for
/// out[key] ("weight_clip_rows" or "weight_fixed_quantizer_clip_rows").
std::string clip_table(const Json& out, const char* key);

}  // namespace qmf::cli
