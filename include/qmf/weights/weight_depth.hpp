// The depth-quantization trade-off with quantized weights (docs/theory.md
// section 1.7): the best correlation depth scale of an N-level activation at
// sigma_b = 0 when the weights are b-bit, ternary or binary, and at sigma_b > 0
// that of the fixed quantizer quant:N (weight_fixed_quantizer_optimum).
//
// With sb2 = 0 an odd activation keeps c* = 0. Shared weights of variance sw2
// and per-example noise nu = r sw2 give the correlation map
//   C(c) = sw2 E[phi(u1) phi(u2)] / ((sw2 + nu) E[phi^2]) = C_gauss(c) / (1 + r)
// at the same q*, so chi_c(c* = 0) is the Gaussian-weight slope divided by
// 1 + r at every q*: the maximiser is the Gaussian one and
//   chi_max(N, b) = chi_max(N) / (1 + r),  1 - chi_max(N, b) = (1 - chi_max(N) + r) / (1 + r).
// Deterministic or shared rounding (r = 0) leaves chi_max as it is and only
// rescales the latent sigma_w^2 by 1 / E[Q^2].
#pragma once

#include <limits>

#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf {

struct WeightDepthOptimum {
  DepthOptimum gaussian;     // the activation's optimum with Gaussian weights
  double noise_ratio = 0.0;  // r = nu / (shared variance), 0 unless per-example rounding
  double one_minus_chi_max = 0.0;
  double chi_max = 0.0;
  double xi_max = 0.0;
  /// Latent sigma_w^2 at the optimum (NaN for N = 2, as in DepthOptimum).
  double sw2_opt = std::numeric_limits<double>::quiet_NaN();
  /// E[Q^2] sw2_opt: the variance each input's weights have.
  double sw2_effective = std::numeric_limits<double>::quiet_NaN();
};

WeightDepthOptimum weight_depth_optimum(const DepthOptimum& gaussian, const WeightSpec& weights);

/// The fixed quantizer quant:N (A = 1, default spacing) at sigma_b^2 = sb2
/// >= 0 with quantized weights (qmf/depth/biased_quantizer_depth.hpp, (a)):
/// chi_c(c*) of the noisy maps maximised over the latent sigma_w^2, which
/// gives each input's weights the variance E[Q^2] sw2, of which nu sw2 is
/// drawn per example. Nearest and shared rounding give the Gaussian optimum
/// at sw2 / E[Q^2]; per-example noise is no rescaling at sb2 > 0 (the noise
/// grows with sw2, the bias does not), so the search runs on the noisy maps.
struct WeightFixedQuantizerOptimum {
  FixedQuantizerOptimum point;  // sw2 latent
  double noise_ratio = 0.0;     // r = nu / (shared variance), 0 unless per-example rounding
  double sw2_effective = 0.0;   // E[Q^2] sw2
  double weight_noise = 0.0;    // nu sw2
};

/// `interrupt` is polled throughout the search (fixed_quantizer_optimum).
WeightFixedQuantizerOptimum weight_fixed_quantizer_optimum(int levels, double sb2,
                                                           const WeightSpec& weights,
                                                           const Interrupt& interrupt = {});

}  // namespace qmf
