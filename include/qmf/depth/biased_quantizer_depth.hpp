// The depth-quantization trade-off at sigma_b^2 > 0 (theory.md section 3.5):
// two questions with different answers.
//
// (a) The quantizer is fixed (quant:N with A = 1 and its default spacing
//     D = 2/(N-1)): only sigma_w^2 is free, and chi_c(c*) has a maximum
//     below the sigma_b = 0 value chi_max(N), which `qmf critical` finds.
// (b) The spacing may scale too: chi_c(c*) over (sigma_w^2, D) has no
//     maximum. Holding the quantizer's shape fixed in units of sqrt(q*)
//     (D = D~_opt sqrt(q*)) and letting sigma_w^2 grow, the bias fraction
//     t = sigma_b^2 / q* falls to 0 and chi_c rises to chi_max(N): the
//     supremum, approached but not attained.
#pragma once

#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/kernel/layers.hpp"

namespace qmf {

/// (a) The critical point of quant:N (A = 1, default spacing) at sb2.
struct FixedQuantizerOptimum {
  int levels = 0;
  double sb2 = 0.0;
  double sw2 = 0.0;     // sigma_w^2 of largest chi_c(c*)
  double q_star = 0.0;  // the length fixed point there
  double c_star = 0.0;  // the correlation fixed point there
  double chi_c = 0.0;   // chi_c(c*), maximised over sigma_w^2
  double xi = 0.0;      // -1 / ln chi_c
};

/// Maximises chi_c(c*) over sigma_w^2 for quant:N at sb2 >= 0. Throws
/// std::invalid_argument for N < 2 or a bad sb2, numerical_error where no
/// finite maximiser exists (quant:2 = sign at sb2 > 0). With a weight prior
/// per unit of sigma_w^2 (quantized weights, qmf/kernel/critical.hpp) the
/// search runs over the latent sigma_w^2 of the noisy maps, and sw2 is latent.
/// `interrupt` is polled throughout the search (maximise_correlation_depth).
FixedQuantizerOptimum fixed_quantizer_optimum(int levels, double sb2,
                                              const WeightPrior& unit_prior = {},
                                              const Interrupt& interrupt = {});

/// (b) One point of the ray along which chi_c(c*) approaches its supremum
/// over (sigma_w^2, D) at sb2 > 0: the spacing at D~_opt sqrt(q*), the bias
/// a fraction t = sb2 / q* of the pre-activation variance.
struct JointRayPoint {
  double bias_fraction = 0.0;  // t = sb2 / q*, in (0, 1)
  double sw2 = 0.0;            // (q* - sb2) / E[phi^2]
  double spacing = 0.0;        // D = D~_opt sqrt(q*) (0 for N = 2: no spacing)
  double q_star = 0.0;         // sb2 / t
  double c_star = 0.0;
  double chi_c = 0.0;
};

/// The ray point of bias fraction t for quant:N at sb2 > 0, from the sigma_b
/// = 0 optimum of the uniform family (uniform_quantizer_optimum(N)). chi_c
/// depends on t alone (the maps are homogeneous in q), which is how it is
/// computed: at q* = 1, sigma_b^2 = t.
JointRayPoint joint_ray_point(const DepthOptimum& unbiased, double sb2, double bias_fraction);

}  // namespace qmf
