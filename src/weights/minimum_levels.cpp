#include "qmf/weights/minimum_levels.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/weights/weight_depth.hpp"

namespace qmf {

namespace {

void require_positive_finite(double value, const char* field) {
  if (!(value > 0.0 && std::isfinite(value)))
    throw std::invalid_argument(std::string(field) + " must be a positive finite number (got " +
                                detail::format_number(value) + ")");
}

void require_levels_between(int max_levels, int first, int last) {
  if (max_levels < first || max_levels > last)
    throw std::invalid_argument("max_levels must lie in " + std::to_string(first) + " .. " +
                                std::to_string(last) + " (got " + std::to_string(max_levels) + ")");
}

double noise_ratio(const WeightSpec& weights) {
  const WeightPrior unit = weight_prior(weights, 1.0);
  return unit.per_example_noise / unit.variance;
}

// The search over N for a depth L(N) solved at most once per N (the answer's
// L is the last one the search saw reach).
std::optional<MinimumLevels> search(double depth, int first, int max_levels,
                                    const std::function<double(int)>& solve,
                                    const Interrupt& interrupt) {
  std::map<int, double> solved;
  const auto depth_at = [&](int n) {
    auto found = solved.find(n);
    if (found == solved.end()) {
      interrupt.poll();
      found = solved.emplace(n, solve(n)).first;
    }
    return found->second;
  };
  const auto n = smallest_levels([&](int n) { return depth_at(n) >= depth; }, first, max_levels);
  if (!n) return std::nullopt;
  return MinimumLevels{*n, depth_at(*n)};
}

}  // namespace

std::optional<int> smallest_levels(const std::function<bool(int)>& reaches, int first,
                                   int max_levels) {
  int lo = first - 1;  // the largest N known not to reach (or below the range)
  int hi = first;
  while (!reaches(hi)) {
    if (hi >= max_levels) return std::nullopt;
    lo = hi;
    hi = std::min(2 * hi, max_levels);
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (reaches(mid) ? hi : lo) = mid;
  }
  return hi;
}

double weight_depth_supremum(const WeightSpec& weights, double k) {
  require_positive_finite(k, "k");
  const double r = noise_ratio(weights);
  return r > 0.0 ? k / std::log1p(r) : INFINITY;
}

std::optional<MinimumLevels> minimum_levels(double depth, double k, DepthOptima& optima,
                                            const WeightSpec& weights, int max_levels,
                                            const Interrupt& interrupt) {
  require_positive_finite(depth, "depth");
  require_levels_between(max_levels, 2, max_searched_levels);
  // Beyond the supremum the search would solve every doubling up to max_levels in vain.
  if (depth >= weight_depth_supremum(weights, k)) return std::nullopt;
  return search(
      depth, 2, max_levels,
      [&](int n) { return k * weight_depth_optimum(optima.at(n), weights).xi_max; }, interrupt);
}

std::optional<MinimumLevels> minimum_levels(double depth, double k, QuantizerFamily family,
                                            const WeightSpec& weights, int max_levels,
                                            const Interrupt& interrupt) {
  DepthOptima optima(family);
  return minimum_levels(depth, k, optima, weights, max_levels, interrupt);
}

std::optional<MinimumLevels> fixed_quantizer_minimum_levels(double depth, double k, double sb2,
                                                            const WeightSpec& weights,
                                                            int max_levels,
                                                            const Interrupt& interrupt) {
  require_positive_finite(depth, "depth");
  require_positive_finite(k, "k");
  require_positive_finite(sb2, "sb2");
  require_levels_between(max_levels, 3, max_searched_biased_levels);
  // Without per-example noise quantized weights only rescale sigma_w^2: the
  // Gaussian-weight optimum has the same xi.
  const bool noisy = noise_ratio(weights) > 0.0;
  return search(
      depth, 3, max_levels,
      [&](int n) {
        return k * (noisy ? weight_fixed_quantizer_optimum(n, sb2, weights, interrupt).point.xi
                          : fixed_quantizer_optimum(n, sb2, {}, interrupt).xi);
      },
      interrupt);
}

}  // namespace qmf
