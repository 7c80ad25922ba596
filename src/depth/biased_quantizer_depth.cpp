#include "qmf/depth/biased_quantizer_depth.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

FixedQuantizerOptimum fixed_quantizer_optimum(int levels, double sb2, const WeightPrior& unit_prior,
                                              const Interrupt& interrupt) {
  const auto phi = make_uniform_quantizer(levels);
  const auto point = maximise_correlation_depth(*phi, sb2, unit_prior, interrupt);
  return {levels, sb2, point.sw2, point.q_star, point.c_star, point.chi_max, point.xi_max};
}

JointRayPoint joint_ray_point(const DepthOptimum& unbiased, double sb2, double bias_fraction) {
  if (!(std::isfinite(sb2) && sb2 > 0.0))
    throw std::invalid_argument("sb2 must be a positive finite number (got " + std::to_string(sb2) +
                                ")");
  if (!(bias_fraction > 0.0 && bias_fraction < 1.0))
    throw std::invalid_argument("bias fraction t = sb2 / q* must lie in (0, 1)");
  // The quantizer's shape in units of sqrt(q*): thresholds D~_opt apart at q* = 1.
  const bool has_spacing = !std::isnan(unbiased.dtilde_opt);
  const auto phi =
      make_uniform_quantizer(unbiased.levels, 1.0, has_spacing ? unbiased.dtilde_opt : 0.0);
  const double t = bias_fraction;
  // q* = 1 is the length fixed point of sw2 E[phi^2](1) + t.
  const Initialization unit{(1.0 - t) / phi->second_moment(1.0), t};
  const auto correlation = stable_correlation_fixed_point(*phi, unit, 1.0);
  // Scaled back to the given sb2: q* = sb2 / t, and sw2 E[phi^2] = q* - sb2
  // with E[phi^2] unchanged (the thresholds scale with sqrt(q*), the levels do not).
  const double q_star = sb2 / t;
  return {t,      unit.sw2 * q_star, has_spacing ? unbiased.dtilde_opt * std::sqrt(q_star) : 0.0,
          q_star, correlation.c,     correlation.chi_c};
}

}  // namespace qmf
