#include "qmf/weights/clip_supremum.hpp"

#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>

#include "qmf/weights/weight_depth.hpp"
#include "weights/clip_search.hpp"

namespace qmf {

namespace {

void require_bits(const WeightSpec& spec) {
  if (spec.kind != WeightSpec::Kind::bits)
    throw std::invalid_argument("weights '" + spec.text +
                                "': only bits:B weights have a clip to optimise");
}

WeightSpec with_clip(const WeightSpec& spec, double clip) {
  WeightSpec clipped = spec;
  clipped.clip = clip;
  return clipped;
}

// Nearest and shared rounding: every clip gives the fixed-clip optimum.
ClipSupremum flat(const ClipPoint& at_spec_clip) {
  ClipSupremum best;
  best.chi_c = at_spec_clip.chi_c;
  best.xi = at_spec_clip.xi;
  return best;
}

ClipSupremum with_path(ClipSupremum best, const std::function<ClipPoint(double)>& point) {
  for (const double clip : clip_path) best.path.push_back(point(clip));
  return best;
}

}  // namespace

ClipSupremum detail::search_clip(const std::function<ClipPoint(double)>& point,
                                 const ClipPoint& limit) {
  ClipSupremum best;
  best.clip_matters = true;
  int best_k = -1;
  double best_chi = -1.0;
  for (int k = 0; k < scanned_clips; ++k) {
    const double chi = point(largest_clip * std::exp2(-0.5 * k)).chi_c;
    if (chi > best_chi) {
      best_chi = chi;
      best_k = k;
    }
  }
  // An interior maximum above the limit is refined; the largest clip is an end
  // of the range (attained there), the smallest a step on the way to clip -> 0.
  if (best_k < scanned_clips - 1 && best_chi > limit.chi_c) {
    double log_clip = std::log(largest_clip * std::exp2(-0.5 * best_k));
    if (best_k > 0) {
      std::uintmax_t iterations = 100;
      const auto found = boost::math::tools::brent_find_minima(
          [&](double x) { return -point(std::exp(x)).chi_c; }, log_clip - 0.5 * std::log(2.0),
          log_clip + 0.5 * std::log(2.0), std::numeric_limits<double>::digits / 2, iterations);
      if (-found.second > best_chi) log_clip = found.first;
    }
    best.clip = std::exp(log_clip);
    const ClipPoint at = point(best.clip);
    best.chi_c = at.chi_c;
    best.xi = at.xi;
  } else {
    best.attained = false;
    best.chi_c = limit.chi_c;
    best.xi = limit.xi;
  }
  return best;
}

ClipSupremum clip_supremum(const DepthOptimum& gaussian, const WeightSpec& spec) {
  require_bits(spec);
  const auto point = [&](double clip) {
    const auto optimum = weight_depth_optimum(gaussian, with_clip(spec, clip));
    return ClipPoint{clip, optimum.noise_ratio, optimum.sw2_opt, optimum.chi_max, optimum.xi_max};
  };
  if (spec.rounding != Rounding::stochastic_per_example)
    return with_path(flat(point(spec.clip)), point);
  // chi_max(N) / (1 + r(clip)) < chi_max(N), with r -> 0 as clip -> 0 (header).
  ClipSupremum best;
  best.clip_matters = true;
  best.attained = false;
  best.chi_c = gaussian.chi_max;
  best.xi = gaussian.xi_max;
  return with_path(best, point);
}

ClipSupremum fixed_quantizer_clip_supremum(int levels, double sb2, const WeightSpec& spec) {
  require_bits(spec);
  const auto point = [&](double clip) {
    const auto optimum = weight_fixed_quantizer_optimum(levels, sb2, with_clip(spec, clip));
    return ClipPoint{clip, optimum.noise_ratio, optimum.point.sw2, optimum.point.chi_c,
                     optimum.point.xi};
  };
  if (spec.rounding != Rounding::stochastic_per_example)
    return with_path(flat(point(spec.clip)), point);
  // The limit clip -> 0 has r = 0: the Gaussian-weight optimum.
  const auto gaussian = fixed_quantizer_optimum(levels, sb2);
  return with_path(
      detail::search_clip(point, {0.0, 0.0, gaussian.sw2, gaussian.chi_c, gaussian.xi}), point);
}

}  // namespace qmf
