// Pearson's chi-square test of category counts against exact probabilities,
// and latent weights rounded by definition, shared by the weight samplers' tests.
#pragma once

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cstdint>
#include <random>
#include <vector>

namespace qmf::test {

struct ChiSquare {
  double statistic = 0.0;
  double threshold = 0.0;
  [[nodiscard]] bool accepts() const { return statistic < threshold; }
};

/// The statistic of `counts` against probabilities p (draws in all), bins with
/// expected count < 5 pooled into one, and its rejection threshold at level
/// `level` (the caller's share of a family-wise level).
inline ChiSquare chi_square(const std::vector<long>& counts, const std::vector<double>& p,
                            long draws, double level) {
  double statistic = 0.0;
  double pooled_expected = 0.0;
  long pooled_count = 0;
  int bins = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double expected = p[k] * static_cast<double>(draws);
    if (expected < 5.0) {
      pooled_expected += expected;
      pooled_count += counts[k];
      continue;
    }
    statistic += (counts[k] - expected) * (counts[k] - expected) / expected;
    ++bins;
  }
  if (pooled_expected > 0.0) {
    statistic += (pooled_count - pooled_expected) * (pooled_count - pooled_expected) /
                 std::max(pooled_expected, 1e-300);
    ++bins;
  }
  const boost::math::chi_squared dist(bins - 1);
  return {statistic, boost::math::quantile(boost::math::complement(dist, level))};
}

/// Latent N(0, 1) weights and the U(0, 1) uniforms that round them, for
/// rounding by definition (qmf/weights/weight_rounding.hpp).
class LatentWeights {
 public:
  explicit LatentWeights(std::uint64_t seed) : engine_(seed) {}
  double normal() { return normal_(engine_); }
  double uniform() { return uniform_(engine_); }

 private:
  std::mt19937_64 engine_;
  std::normal_distribution<double> normal_;
  std::uniform_real_distribution<double> uniform_;
};

}  // namespace qmf::test
