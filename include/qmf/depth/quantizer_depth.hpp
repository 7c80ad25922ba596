// The depth-quantization trade-off (theory.md section 3): how deep a signal can
// propagate through a net whose activation has N levels, at sigma_b = 0.
//
// By Stein's lemma chi = Corr(z, phi(z))^2 for odd phi at c* = 0, so
// 1 - chi is the least mean-squared error of the quantizer with the best gain.
// That form is a sum of positive terms and is what 1 - chi_max is computed
// from: the direct ratio chi = S^2 / Var(count) would lose everything but
// ~4 digits to cancellation at N = 2^20, where 1 - chi_max ~ 1e-11.
#pragma once

#include <limits>

namespace qmf {

/// chi and d chi / d D~ of the uniform N-level quantizer (sigma_b = 0, c* = 0)
/// with threshold spacing D~ in units of sqrt(q*).
struct UniformChi {
  double chi = 0.0;
  double slope = 0.0;
};

/// chi(D~) = S^2 / Var(count), S = sum_k pdf(t~_k), with Var(count) by prefix
/// sums of positive terms and the analytic derivative; O(N).
UniformChi uniform_quantizer_chi(int levels, double dtilde);

/// 1 - chi(D~), computed as the mean-squared error of the best-gain quantizer
/// z -> g (count - (N-1)/2), g = S / Var(count): no cancellation.
double uniform_quantizer_one_minus_chi(int levels, double dtilde);

/// The two activation families whose best depth scale `qmf lmax` reports.
enum class QuantizerFamily { uniform, lloyd_max };

/// The largest correlation depth scale an N-level activation of one family reaches.
struct DepthOptimum {
  int levels = 0;
  /// Spacing of the two central thresholds in units of sqrt(q*) at the optimum
  /// (D~_opt for the uniform family); NaN for N = 2, which has one threshold.
  double dtilde_opt = std::numeric_limits<double>::quiet_NaN();
  double one_minus_chi_max = 0.0;
  double chi_max = 0.0;
  double xi_max = 0.0;  // -1 / ln chi_max
  /// sigma_w^2 at the optimum for the family's default activation (quant:N
  /// with A = 1, lloyd:N with S = 1); NaN for N = 2 (sign: any sigma_w will do).
  double sw2_opt = std::numeric_limits<double>::quiet_NaN();
};

/// Uniform family: D~_opt is the root of d chi / d D~, which vanishes exactly
/// where the best gain S / Var(count) equals D~ (found by TOMS 748).
DepthOptimum uniform_quantizer_optimum(int levels);

/// Lloyd-Max family: chi_max = 1 - MSE of the N-level Lloyd-Max quantizer, the
/// least MSE of any N-level quantizer, reached at scale S = 1 (q* = 1 for lloyd:N).
DepthOptimum lloyd_max_optimum(int levels);

DepthOptimum depth_optimum(QuantizerFamily family, int levels);

/// L_max = k * xi_max: the trainable depth, k ~ 6 empirically (Schoenholz et al.).
inline double max_trainable_depth(const DepthOptimum& optimum, double k) {
  return k * optimum.xi_max;
}

/// sigma_w^2 at the optimum of quant:N,A=amplitude,D=spacing: q* = (D / D~_opt)^2
/// and sigma_w^2 = q* / E[phi(sqrt(q*) z)^2]. Needs N >= 3.
double uniform_quantizer_critical_sw2(const DepthOptimum& uniform_optimum, double amplitude,
                                      double spacing);

/// Local exponent d ln(1 - chi_max) / d ln N by a central difference over
/// N +- h, h the even number nearest N / 50 (at least 2, so both neighbours
/// share the parity of N). Needs N >= 4.
double local_exponent(QuantizerFamily family, int levels);

}  // namespace qmf
