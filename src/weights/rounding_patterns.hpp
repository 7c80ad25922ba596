// Per-example stochastic rounding of one latent weight for m inputs at once,
// drawn from its exact joint law in one step.
//
// The simulation never observes the latent weight z ~ N(0, 1) (units of its
// standard deviation), only the m rounded copies the m inputs see. If z lies
// in cell c = [a, a + D) of the grid at fraction p = (z - a) / D, the copies
// are a + D B_e with B_e i.i.d. Bernoulli(p), so (cell, B_1..B_m) is a
// discrete variable with
//
//   P(c, pattern with k ones) = int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz,
//
// and the clipped tails put Phi(lowest) on (first cell, no ones) and
// 1 - Phi(top) on (last cell, all ones). One alias-table draw per weight then
// gives all m copies: the cost of nearest rounding, exact in distribution.
//
// The table has cells x 2^m entries, padded to a power of two (2^s columns),
// and each weight takes 32 random bits (half a word of the simulation's
// generator, as a Gaussian weight does): the top s bits pick the column
// exactly, the other 32 - s bits decide kept or alias against the column's
// threshold rounded to 2^-(32-s), so every entry's probability is met to
// within 2^-33 per column that holds it (its own and those aliased to it):
// a total variation of at most 2^-33 per column, 4.8e-7 for the largest
// table, 7e-9 for bits:4 with two inputs. Fine grids or many inputs (more
// than max_pattern_columns) are left to the caller, which rounds a latent
// normal per input instead.
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// 4096 columns of 32 bytes (128 KB, in L2): binary up to m = 12 inputs,
/// bits:4 up to 8, bits:8 up to 4, bits:10 up to 2; bits > 10 never.
constexpr std::size_t max_pattern_columns = 4096;

/// The joint law of (cell, rounding pattern); bit e of a pattern says that
/// input e rounds up. Empty (no cells) for gaussian and for grids whose table
/// would exceed max_pattern_columns.
struct RoundingPatterns {
  int inputs = 0;
  double spacing = 0.0;
  std::vector<double> lower;          // cell c is [lower[c], lower[c] + spacing)
  std::vector<double> probabilities;  // entry (c << inputs) | pattern
};
RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs);

/// int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz, p = (z - a) / D: the probability
/// of one pattern with k = `ones` of m = `inputs` ones in the cell [a, a + D).
double pattern_probability(double a, double spacing, int ones, int inputs);

class RoundingPatternSampler {
 public:
  /// The alias table of `d`; d must not be empty.
  explicit RoundingPatternSampler(const RoundingPatterns& d);

  [[nodiscard]] int inputs() const { return inputs_; }

  /// The weights of `count` latent weights as each input sees them: rows[e][i]
  /// for input e (the cell's lower level, plus the spacing if the input
  /// rounds up), from 32 random bits per weight, two per word of `words`
  /// ((count + 1) / 2 words).
  void sample(const std::uint64_t* words, double* const* rows, long count) const;

 private:
  template <int M>
  void sample_inputs(const std::uint64_t* words, double* const* rows, long count) const;

  struct Column {
    std::uint32_t threshold;  // kept when the low bits lie below it
    std::uint32_t entry[2];   // offsets into levels_: the column's own entry, then its alias
  };
  std::vector<Column> column_;
  std::vector<double> levels_;  // entry k: the m inputs' levels at levels_[k * m + e]
  int fraction_bits_ = 31;      // 32 - log2(columns)
  int inputs_ = 0;
};

}  // namespace qmf
