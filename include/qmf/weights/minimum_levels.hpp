// n_min: the fewest activation levels N whose trainable depth L = k xi reaches
// a given depth (docs/theory.md section 3), the `--depth` answer of `qmf lmax`.
//
// The depth scale grows with N in every case searched here, so the search
// doubles N from the smallest candidate until the depth is reached and then
// bisects: about 2 log2(n_min) solved optima, not one per N.
#pragma once

#include <functional>
#include <optional>

#include "qmf/depth/depth_optima.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// The largest N searched at sigma_b = 0 (the largest N `qmf lmax` lists) and,
/// for the fixed quantizer at sigma_b^2 > 0, where each N is a search over
/// sigma_w^2 of O(N) per step and L grows about like N.
inline constexpr int max_searched_levels = 1 << 24;
inline constexpr int max_searched_biased_levels = 4096;

/// The smallest N in [first, max_levels] with reaches(N), for reaches
/// monotone in N (false below some N, true from there on); nullopt when
/// reaches(max_levels) is false. Calls reaches O(log n_min) times.
std::optional<int> smallest_levels(const std::function<bool(int)>& reaches, int first,
                                   int max_levels);

struct MinimumLevels {
  int levels = 0;      // n_min
  double depth = 0.0;  // the L that n_min reaches (>= the depth asked for)
};

/// The bound L_max(N) < k / ln(1 + r) for every N that per-example rounding
/// noise puts on the depth (r = nu / shared variance, weight_depth.hpp); +inf
/// for Gaussian weights and deterministic or shared rounding (r = 0).
double weight_depth_supremum(const WeightSpec& weights, double k);

/// sigma_b = 0: the smallest N whose best quantizer of the family of
/// `optima`, with these weights, reaches L_max(N) = k xi_max(N) >= depth
/// (weight_depth_optimum). The optima solved stay in `optima` for the next
/// search or table. nullopt when no N <= max_levels does (always when depth
/// >= weight_depth_supremum). Throws std::invalid_argument naming depth, k or
/// max_levels (2 .. max_searched_levels) for a bad value.
std::optional<MinimumLevels> minimum_levels(double depth, double k, DepthOptima& optima,
                                            const WeightSpec& weights = {},
                                            int max_levels = max_searched_levels,
                                            const Interrupt& interrupt = {});

/// The same with optima solved for this search alone.
std::optional<MinimumLevels> minimum_levels(double depth, double k,
                                            QuantizerFamily family = QuantizerFamily::uniform,
                                            const WeightSpec& weights = {},
                                            int max_levels = max_searched_levels,
                                            const Interrupt& interrupt = {});

/// sigma_b^2 = sb2 > 0: the smallest N >= 3 whose fixed quantizer quant:N
/// (A = 1, default spacing; biased_quantizer_depth.hpp (a)) at its best
/// sigma_w^2, with these weights, reaches L = k xi >= depth. N = 2 is not a
/// candidate: sign has no best sigma_w^2 at sb2 > 0. nullopt when no N <=
/// max_levels does. Throws std::invalid_argument naming depth, k, sb2 or
/// max_levels (3 .. max_searched_biased_levels).
std::optional<MinimumLevels> fixed_quantizer_minimum_levels(
    double depth, double k, double sb2, const WeightSpec& weights = {},
    int max_levels = max_searched_biased_levels, const Interrupt& interrupt = {});

}  // namespace qmf
