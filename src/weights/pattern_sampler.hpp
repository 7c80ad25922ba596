// Draws of the joint law of (cell, rounding pattern) of per-example
// stochastic rounding (weights/rounding_patterns.hpp), every input's level of
// a weight at once.
//
// The table is Walker's alias table over 2^s columns in whole units: a draw
// Y of y bits picks column Y >> (y - s) and keeps the column's own entry when
// its other y - s bits lie below the column's threshold. Each entry has a
// whole number of units of 2^-y, so Vose's pairing in integers gives every
// entry exactly its units. Whole tables (Y: 32 bits) round each probability
// to the nearest unit (the largest entry takes the difference): total
// variation <= entries x 2^-33. Block tables hold the entries with uniform
// offsets (the flat parts and the tails), rounded down; the units left over,
// the top ones of Y's range (Y >= slow_start: a compare on the random bits,
// no look-up), are the slow draws: the linear entries (about 1 % of the
// weights at m = 2), the deficits of the rounding (below 2^-y per entry) and
// the residual, each with its probability. That is exact up to the 53-bit
// uniforms of the slow draws. A block table has 2^11 columns; narrow blocks
// (g <= 8) take Y from the top 32 - g bits of 32 and the cell offset from
// the low g (column, fraction and offset by shifts and masks with
// constants), wide blocks Y from the top 32 bits of a 64-bit word and the
// offset from its low bits. A slow entry's offsets come from the slow words:
// one draw, or the larger (rising) or the smaller (falling) of two.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "weights/level_sampler.hpp"
#include "weights/rounding_patterns.hpp"

namespace qmf {

class SlowWords;

class RoundingPatternSampler {
 public:
  /// Fills out[0..count) with random 64-bit words.
  using FillWords = std::function<void(std::uint64_t* out, long count)>;

  /// The alias table of `d`; d must not be empty.
  explicit RoundingPatternSampler(const RoundingPatterns& d);

  [[nodiscard]] int inputs() const { return inputs_; }

  /// The random words `count` weights take: half a word per weight, or a
  /// whole one for blocks of more than 2^8 cells.
  [[nodiscard]] long words(long count) const;

  /// The weights of `count` latent weights as each input sees them: rows[e][i]
  /// for input e, a grid level, from words(count) words of `words`; slow
  /// draws take further words from `fill`, in the order of the weights.
  void sample(const std::uint64_t* words, double* const* rows, long count,
              const FillWords& fill) const;

  /// How a weight's random bits are read: whole tables (32 bits: column,
  /// fraction); narrow blocks (32 bits: column, fraction, offset of <= 8
  /// bits); wide blocks (64 bits: column and fraction in the top 32, the
  /// offset in the low bits).
  enum class Draw { whole, narrow, wide };

 private:
  template <int M, Draw D>
  void sample_inputs(const std::uint64_t* words, double* const* rows, long count,
                     const FillWords& fill) const;
  void draw_slow(double* const* rows, long i, SlowWords& words) const;

  struct Column {
    std::uint32_t threshold;  // kept when the fraction bits lie below it
    std::uint32_t entry[2];   // offsets into entries_: the column's own entry, then its alias
  };
  struct SlowBlock {
    double z0, far, width;       // the block [z0, z0 + width), its end farther from 0
    double floor, slope, bound;  // the residual phi - floor - slope |z - far| <= bound
    std::int64_t first_cell, span;
  };
  std::vector<Column> column_;
  // Entry k at entries_[k * m]: the m inputs' levels at the start of the
  // entry's cells; offset_[k]: how its cell offset is drawn.
  std::vector<double> entries_;
  std::vector<PatternEntry::Offset> offset_;
  double lowest_ = 0.0;
  double top_ = 0.0;  // block tables clamp every level into [lowest_, top_]
  double spacing_ = 0.0;
  Draw draw_ = Draw::whole;
  int y_bits_ = 32;                                    // bits of the draw Y: column, then fraction
  int fraction_bits_ = 31;                             // y_bits_ - s
  std::uint64_t slow_start_ = std::uint64_t{1} << 32;  // Y >= this: a slow draw
  std::uint64_t offset_mask_ = 0;                      // span - 1 of the blocks
  // Narrow: spacing x offset, twice (both inputs of a pair in one load).
  alignas(16) std::array<std::array<double, 2>, 256> offset_pair_{};
  // Slow draws: entries (linear ones whole, the others' deficits) and the
  // residual's blocks.
  std::vector<SlowBlock> blocks_;
  std::optional<LevelSampler> slow_outcome_;
  int inputs_ = 0;
};

}  // namespace qmf
