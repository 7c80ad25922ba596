// Draws of the joint law of (cell, rounding pattern) of per-example
// stochastic rounding from its whole table (weights/rounding_patterns.hpp),
// every input's level of a weight at once.
//
// The table is Walker's alias table over 2^s columns in units of 2^-32: a
// 32-bit draw Y picks column Y >> (32 - s) and keeps the column's own entry
// when its low 32 - s bits lie below the column's threshold. Each entry's
// probability is rounded to the nearest unit (the largest entry takes the
// difference: total variation <= entries x 2^-33), and Vose's pairing in
// integers gives every entry exactly its units.
#pragma once

#include <cstdint>
#include <vector>

#include "weights/rounding_patterns.hpp"

namespace qmf {

class RoundingPatternSampler {
 public:
  /// The alias table of `d`; d must not be empty.
  explicit RoundingPatternSampler(const RoundingPatterns& d);

  [[nodiscard]] int inputs() const { return inputs_; }

  /// The random words `count` weights take: half a word per weight.
  [[nodiscard]] static long words(long count) { return (count + 1) / 2; }

  /// The weights of `count` latent weights as each input sees them: rows[e][i]
  /// for input e, a grid level, from words(count) words of `words`.
  void sample(const std::uint64_t* words, double* const* rows, long count) const;

 private:
  template <int M>
  void sample_inputs(const std::uint64_t* words, double* const* rows, long count) const;

  struct Column {
    std::uint32_t threshold;  // kept when the fraction bits lie below it
    std::uint32_t entry[2];   // offsets into entries_: the column's own entry, then its alias
  };
  std::vector<Column> column_;
  // Entry k at entries_[k * m]: the m inputs' levels.
  std::vector<double> entries_;
  int fraction_bits_ = 31;  // 32 - s
  int inputs_ = 0;
};

}  // namespace qmf
