#include "qmf/depth/quantizer_depth.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "numerics/format_number.hpp"
#include "numerics/root_finding.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/errors.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_cell.hpp"

namespace qmf {

namespace {

void require_levels(int levels, int minimum) {
  if (levels < minimum)
    throw std::invalid_argument("N (the number of levels) must be >= " + std::to_string(minimum) +
                                " (got " + std::to_string(levels) + ")");
}

void require_spacing(double dtilde) {
  if (!(dtilde > 0.0 && std::isfinite(dtilde)))
    throw std::invalid_argument(
        "dtilde (the spacing over sqrt(q)) must be a positive finite "
        "number (got " +
        detail::format_number(dtilde) + ")");
}

// The sums over thresholds t~_k = D~ (k - N/2), k = 1..N-1, that chi and its
// derivative are made of. Accumulated in long double: at N = 2^20 a million
// positive terms would otherwise cost up to ~1e-10 of relative accuracy.
struct ThresholdSums {
  double density = 0.0;         // S = sum_k pdf(t~_k) = Cov(z, count) (Stein)
  double count_variance = 0.0;  // V = Var(count)
  double curvature = 0.0;       // Q = sum_k t~_k^2 pdf(t~_k)
};

ThresholdSums threshold_sums(int levels, double dtilde) {
  const int thresholds = levels - 1;
  // Phi(-|t~_k|) once per mirror pair: the thresholds are symmetric about 0,
  // and (2k - N) / 2 * D~ keeps them exactly so.
  std::vector<double> tail(thresholds);
  std::vector<double> position(thresholds);
  long double density = 0.0L;
  long double curvature = 0.0L;
  for (int k = 1; k <= thresholds; ++k) {
    const double t = 0.5 * (2 * k - levels) * dtilde;
    position[k - 1] = t;
    const int mirror = levels - k;
    tail[k - 1] = mirror < k ? tail[mirror - 1] : normal_sf(std::fabs(t));
    const double pdf = normal_pdf(t);
    density += pdf;
    curvature += static_cast<long double>(t) * t * pdf;
  }
  // Var(count) = sum_(k,l) [Phi(-max(t~_k, t~_l)) - Phi(-t~_k) Phi(-t~_l)]
  //            = sum_l Phi(-t~_l) [Phi(t~_l) + 2 sum_(k<l) Phi(t~_k)]:
  // every term is positive, so no digits cancel.
  long double variance = 0.0L;
  long double lower_cdf_sum = 0.0L;
  for (int k = 0; k < thresholds; ++k) {
    const bool above = position[k] >= 0.0;
    const double sf = above ? tail[k] : 1.0 - tail[k];
    const double cdf = above ? 1.0 - tail[k] : tail[k];
    variance += sf * (cdf + 2.0L * lower_cdf_sum);
    lower_cdf_sum += cdf;
  }
  return {static_cast<double>(density), static_cast<double>(variance),
          static_cast<double>(curvature)};
}

// Mean-squared error of z -> gain * j, j = count - (N-1)/2, for thresholds at
// spacing D~: finite cells j = +-1/2.. are centred at D~ j with half-width D~/2,
// the two tail cells are mirror images.
double uniform_quantizer_mse(int levels, double dtilde, double gain) {
  const double centre = 0.5 * (levels - 1);
  const double outer_threshold = 0.5 * (levels - 2) * dtilde;
  long double sum = 2.0L * upper_tail_squared_error(outer_threshold, gain * centre);
  // Cells m = 1..N-2; by symmetry only j = m - centre >= 0, the others doubled.
  for (int m = levels / 2; m <= levels - 2; ++m) {
    const double j = m - centre;
    const double error = cell_squared_error(dtilde * j, 0.5 * dtilde, (gain - dtilde) * j);
    sum += j == 0.0 ? error : 2.0L * error;
  }
  return static_cast<double>(sum);
}

double depth_scale_of(double one_minus_chi) { return -1.0 / std::log1p(-one_minus_chi); }

// G(D~) = S - D~ Var(count) = E[j (z - D~ j)], j = count - (N-1)/2: zero
// exactly where the best gain S / V equals D~, i.e. where d chi / d D~ = 0.
// As a difference of S and D~ V it would be noise at large N (both ~ 1 / D~,
// G ~ 1e-11 of that); as a sum over cells it is the pull of every granular
// cell's centroid towards 0 (negative) against the push of the two tails
// beyond their levels (positive), each term accurate to rounding.
double gain_balance(int levels, double dtilde) {
  const double centre = 0.5 * (levels - 1);
  const double outer_threshold = 0.5 * (levels - 2) * dtilde;
  long double sum =
      centre * (normal_pdf(outer_threshold) - dtilde * centre * normal_sf(outer_threshold));
  for (int m = levels / 2 + (levels % 2); m <= levels - 2; ++m) {
    const double j = m - centre;
    const auto cell = cell_moments(dtilde * j, 0.5 * dtilde);
    sum += j * cell.probability * cell.mean_offset;
  }
  return static_cast<double>(2.0L * sum);
}

double optimal_uniform_spacing(int levels) {
  // Start from the high-resolution law D~_opt ~ 4 sqrt(ln N) / N (Hui and
  // Neuhoff 2001), which overestimates by 10-25 % for N <= 2^20; widen if needed.
  const double guess = 4.0 * std::sqrt(std::log(static_cast<double>(levels))) / levels;
  double lo = 0.75 * guess;
  double hi = 0.95 * guess;
  double g_lo = gain_balance(levels, lo);
  double g_hi = gain_balance(levels, hi);
  for (int widen = 0; widen < 60 && !(g_lo > 0.0 && g_hi < 0.0); ++widen) {
    if (!(g_lo > 0.0)) g_lo = gain_balance(levels, lo /= 2.0);
    if (!(g_hi < 0.0)) g_hi = gain_balance(levels, hi *= 2.0);
  }
  if (!(g_lo > 0.0 && g_hi < 0.0))
    throw numerical_error("no maximum of chi(D~) bracketed for N = " + std::to_string(levels));
  // 44 bits: the root's own resolution, set by the rounding of the gain balance.
  return detail::bracketed_root([levels](double d) { return gain_balance(levels, d); }, lo, hi,
                                g_lo, g_hi, "D~_opt for N = " + std::to_string(levels), 44);
}

}  // namespace

UniformChi uniform_quantizer_chi(int levels, double dtilde) {
  require_levels(levels, 2);
  require_spacing(dtilde);
  const auto s = threshold_sums(levels, dtilde);
  const double chi = s.density * s.density / s.count_variance;
  // dS/dD~ = -Q / D~ and, the thresholds being symmetric, dV/dD~ = -2 Q / D~^2,
  // so d chi / d D~ = 2 Q S (S - D~ V) / (D~ V)^2, with S - D~ V = G summed cellwise.
  const double slope = 2.0 * s.curvature * s.density * gain_balance(levels, dtilde) /
                       (dtilde * dtilde * s.count_variance * s.count_variance);
  return {chi, slope};
}

double uniform_quantizer_one_minus_chi(int levels, double dtilde) {
  require_levels(levels, 2);
  require_spacing(dtilde);
  const auto s = threshold_sums(levels, dtilde);
  // The MSE is stationary in the gain, so the rounding of S / V costs nothing
  // to first order.
  return uniform_quantizer_mse(levels, dtilde, s.density / s.count_variance);
}

DepthOptimum uniform_quantizer_optimum(int levels) {
  require_levels(levels, 2);
  DepthOptimum optimum;
  optimum.levels = levels;
  if (levels == 2) {
    // Sign: chi = 2/pi at every spacing.
    optimum.one_minus_chi_max = uniform_quantizer_one_minus_chi(levels, 1.0);
  } else {
    // At the root the best gain is D~ itself (to the root's tolerance, which
    // the gain-stationary MSE feels only squared): levels at the cell midpoints.
    optimum.dtilde_opt = optimal_uniform_spacing(levels);
    optimum.one_minus_chi_max =
        uniform_quantizer_mse(levels, optimum.dtilde_opt, optimum.dtilde_opt);
  }
  optimum.chi_max = 1.0 - optimum.one_minus_chi_max;
  optimum.xi_max = depth_scale_of(optimum.one_minus_chi_max);
  // quant:N with A = 1 is phi = D (count - (N-1)/2), D = 2/(N-1), so
  // sigma_w^2 = q* / E[phi^2] = 1 / (D~^2 V); at the optimum S = D~ V, so
  // D~^2 V = S^2 / V = chi_max.
  if (levels > 2) optimum.sw2_opt = 1.0 / optimum.chi_max;
  return optimum;
}

DepthOptimum lloyd_max_optimum(int levels) {
  require_levels(levels, 2);
  const auto quantizer = lloyd_max_quantizer(levels);
  DepthOptimum optimum;
  optimum.levels = levels;
  optimum.one_minus_chi_max = quantizer_mse(quantizer);
  optimum.chi_max = 1.0 - optimum.one_minus_chi_max;
  optimum.xi_max = depth_scale_of(optimum.one_minus_chi_max);
  if (levels > 2) {
    const auto& t = quantizer.thresholds;
    const std::size_t k = t.size() / 2;
    optimum.dtilde_opt = t[k] - t[k - 1];
    // Centroids make E[z Q(z)] = E[Q^2], so E[Q^2] = 1 - MSE = chi_max.
    optimum.sw2_opt = 1.0 / optimum.chi_max;
  }
  return optimum;
}

DepthOptimum depth_optimum(QuantizerFamily family, int levels) {
  return family == QuantizerFamily::uniform ? uniform_quantizer_optimum(levels)
                                            : lloyd_max_optimum(levels);
}

double uniform_quantizer_critical_sw2(const DepthOptimum& uniform_optimum, double amplitude,
                                      double spacing) {
  const int levels = uniform_optimum.levels;
  require_levels(levels, 3);
  for (const auto& [field, value] :
       {std::pair{"A (amplitude)", amplitude}, {"D (spacing)", spacing}})
    if (!(value > 0.0 && std::isfinite(value)))
      throw std::invalid_argument(std::string(field) + " must be a positive finite number (got " +
                                  detail::format_number(value) + ")");
  // Levels A (2m/(N-1) - 1) make phi = (2A/(N-1)) (count - (N-1)/2); against
  // the A = 1, D = 2/(N-1) default, q* scales by (D (N-1)/2)^2 and E[phi^2] by A^2.
  const double ratio = spacing * (levels - 1) / (2.0 * amplitude);
  return ratio * ratio * uniform_optimum.sw2_opt;
}

double local_exponent(QuantizerFamily family, int levels) {
  require_levels(levels, 4);
  const int h = std::max(2, 2 * static_cast<int>(std::lround(levels / 100.0)));
  const int below = levels - h;
  const int above = levels + h;
  const double m_below = depth_optimum(family, below).one_minus_chi_max;
  const double m_above = depth_optimum(family, above).one_minus_chi_max;
  return std::log(m_above / m_below) / std::log(static_cast<double>(above) / below);
}

}  // namespace qmf
