// The best clip of bits:B weights: the supremum of the correlation slope
// chi_c(c*) over the latent sigma_w^2 and the clip together (docs/theory.md
// section 1.7, "The clip").
//
// The maps see a weight spec only through the shared variance E[Q1 Q2] sw2
// and the per-example noise nu sw2, so the clip L matters only through the
// noise ratio r(L) = nu / E[clip(z)^2], and only for per-example rounding:
// nearest and shared stochastic rounding rescale sw2, and every clip gives the
// fixed-clip optimum (clip_matters = false). With per-example rounding:
//
//   sb2 = 0   chi = chi_max(N) / (1 + r(L)) < chi_max(N) for every L > 0, and
//             r(L) -> 0 as L -> 0: the weights beyond the clip sit on the end
//             levels, where rounding is exact (nu <= Delta^2 P(|z| < L) / 4,
//             E[clip(z)^2] >= L^2 P(|z| > L), Delta = L / (2^(B-1) - 1)). The
//             supremum is the Gaussian-weight chi_max(N), approached as L -> 0
//             with the latent sw2 ~ 1 / E[clip(z)^2] -> infinity, not attained.
//   sb2 > 0   no closed form: the fixed quantizer's optimum over sw2 is
//             searched at clips L = 40 / 2^(k/2), k = 0..32 (the parser's
//             range (0, 40], down to 40 / 2^16), refined by Brent around an
//             interior best, and compared with the limit L -> 0 (r -> 0: the
//             Gaussian-weight optimum). Where the limit is larger, the
//             supremum is that limit, not attained.
#pragma once

#include <limits>
#include <vector>

#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// The best chi_c(c*) over the latent sw2 at one clip.
struct ClipPoint {
  double clip = 0.0;
  double noise_ratio = 0.0;                               // r(clip)
  double sw2 = std::numeric_limits<double>::quiet_NaN();  // latent; NaN for sign (any sw2)
  double chi_c = 0.0;
  double xi = 0.0;  // -1 / ln chi_c, from 1 - chi_c where that is known directly
};

struct ClipSupremum {
  bool clip_matters = false;  // per-example rounding only
  bool attained = true;       // false: approached as clip -> 0
  /// The maximising clip where one exists and the clip matters; NaN otherwise.
  double clip = std::numeric_limits<double>::quiet_NaN();
  double chi_c = 0.0;  // the supremum over (sw2, clip)
  double xi = 0.0;     // -1 / ln chi_c
  /// The best chi_c at clip = 1, 0.1, 0.01: the approach to a supremum at clip -> 0.
  std::vector<ClipPoint> path;
};

/// The clips of ClipSupremum::path.
inline constexpr double clip_path[] = {1.0, 0.1, 0.01};

/// At sb2 = 0 for the activation whose Gaussian-weight optimum is `gaussian`
/// (qmf/weights/weight_depth.hpp). Throws std::invalid_argument naming
/// `weights` unless spec is bits:B.
ClipSupremum clip_supremum(const DepthOptimum& gaussian, const WeightSpec& spec);

/// The fixed quantizer quant:N (A = 1, default spacing) at sb2 > 0
/// (weight_fixed_quantizer_optimum at each clip). Throws as clip_supremum.
ClipSupremum fixed_quantizer_clip_supremum(int levels, double sb2, const WeightSpec& spec);

}  // namespace qmf
