#include "qmf/weights/weight_depth.hpp"

#include <cmath>

namespace qmf {

WeightDepthOptimum weight_depth_optimum(const DepthOptimum& gaussian, const WeightSpec& weights) {
  const WeightPrior unit = weight_prior(weights, 1.0);
  const double total = unit.variance + unit.per_example_noise;  // E[Q^2]
  WeightDepthOptimum optimum;
  optimum.gaussian = gaussian;
  optimum.noise_ratio = unit.per_example_noise / unit.variance;
  const double r = optimum.noise_ratio;
  // (1 - chi + r) / (1 + r): a sum of positive terms, no cancellation.
  optimum.one_minus_chi_max = (gaussian.one_minus_chi_max + r) / (1.0 + r);
  optimum.chi_max = gaussian.chi_max / (1.0 + r);
  optimum.xi_max = -1.0 / std::log1p(-optimum.one_minus_chi_max);
  // The length map sees E[Q^2] sw2, which must equal the Gaussian optimum's sw2.
  optimum.sw2_opt = gaussian.sw2_opt / total;
  optimum.sw2_effective = gaussian.sw2_opt;
  return optimum;
}

WeightFixedQuantizerOptimum weight_fixed_quantizer_optimum(int levels, double sb2,
                                                           const WeightSpec& weights,
                                                           const Interrupt& interrupt) {
  const WeightPrior unit = weight_prior(weights, 1.0);
  WeightFixedQuantizerOptimum optimum;
  optimum.point = fixed_quantizer_optimum(levels, sb2, unit, interrupt);
  optimum.noise_ratio = unit.per_example_noise / unit.variance;
  optimum.sw2_effective = optimum.point.sw2 * (unit.variance + unit.per_example_noise);
  optimum.weight_noise = optimum.point.sw2 * unit.per_example_noise;
  return optimum;
}

}  // namespace qmf
