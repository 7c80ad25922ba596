// Rounded Gaussian weights drawn straight from their distribution on the grid.
//
// A latent weight z ~ N(0, 1) (units of its standard deviation) rounded to the
// nearest level of a spec's grid, or stochastically with a rounding shared by
// every input, is a categorical variable on the grid's levels y_0 < ... < y_K-1
// (spacing D), and its level is all a simulated layer uses. Its probabilities
// are exact Gaussian integrals (docs/theory.md section 1.6):
//
//   nearest     P(y_k) = Phi(y_k + D/2) - Phi(y_k - D/2), the outer cells open;
//   stochastic  P(y_k) = E[max(0, 1 - |t(z) - k|)], t = (clip(z) - y_0) / D:
//               the tent around y_k weighted by the Gaussian, i.e. on each
//               cell [a, a + D] the linear integrals (1/D) int (z - a) phi dz
//               and (1/D) int (a + D - z) phi dz, plus the clipped tails
//               Phi(y_0) on y_0 and 1 - Phi(y_K-1) on y_K-1.
//
// The sampler is Walker's alias table: one uniform u per weight, column
// j = floor(u K), kept if the fraction u K - j lies below the column's
// threshold, else the column's alias. With the simulation's 32-bit uniforms
// ((i + 1/2) 2^-32, so u K is exact in a double) each column is hit with
// probability 1/K to within 2^-32, and each threshold is met to within 2^-32,
// so every level's probability is exact to within (1 + the columns aliased to
// it) 2^-32 <= K 2^-32, and the table's rounding of the probabilities adds
// 1e-16: exact in distribution to 2^-32 per column.
#pragma once

#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// The grid of a spec in units of the weight's standard deviation, ascending,
/// with the probabilities of a rounded N(0, 1) weight (nearest, or stochastic
/// shared by the inputs; stochastic-per-example is treated as stochastic).
/// Empty for gaussian.
struct LevelDistribution {
  std::vector<double> levels;
  std::vector<double> probabilities;
};
LevelDistribution level_distribution(const WeightSpec& spec);

/// Walker's alias table of `probabilities` (Vose's construction; they need
/// not sum to 1): column k keeps outcome k with probability threshold, else
/// gives `alias`. Zero probabilities are allowed (the column is all alias).
struct AliasColumn {
  double threshold;
  std::size_t alias;
};
std::vector<AliasColumn> alias_columns(const std::vector<double>& probabilities);

/// Grids up to this many levels (bits <= 8) are sampled from a table (6 KB,
/// built in ~3 Gaussian integrals per level for every layer); finer grids
/// draw the latent normal and round it.
constexpr std::size_t max_sampled_levels = 255;

class LevelSampler {
 public:
  /// The alias table of `d` (Vose's construction); d must not be empty.
  explicit LevelSampler(const LevelDistribution& d);

  /// out[i] = the level of uniform u[i] in (0, 1); out may be u.
  void sample(const double* u, double* out, long count) const {
    const double columns = static_cast<double>(column_.size());
    const Column* table = column_.data();
    for (long i = 0; i < count; ++i) {
      const double x = u[i] * columns;
      const auto j = static_cast<int>(x);
      const Column& c = table[j];
      // An index, not a select: GCC compiles the select to a branch, taken
      // at random (3x slower).
      out[i] = c.level[static_cast<int>(x - j >= c.threshold)];
    }
  }

 private:
  struct Column {
    double threshold;  // P(kept | column), in [0, 1]
    double level[2];   // the column's own level, then its alias
  };
  std::vector<Column> column_;
};

}  // namespace qmf
