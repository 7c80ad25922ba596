// Draws of the joint law of (cell, rounding pattern) of per-example
// stochastic rounding (weights/rounding_patterns.hpp), every input's level of
// a weight at once.
//
// The table is Walker's alias table over 2^s columns in whole units: a draw
// Y of y bits (32, or 32 - g with the cell offset in the low g bits of the
// same 32 when g <= 8; else the top 32 of a 64-bit word, the offset in its
// low bits) picks column Y >> (y - s) and keeps the column's own entry when
// its other y - s bits lie below the column's threshold. Each entry has a
// whole number of units of 2^-y, so Vose's pairing in integers gives every
// entry exactly its units. Whole tables round each probability to the nearest
// unit (the largest entry takes the difference): total variation <= entries
// x 2^-(y+1), 5e-7 at 4096 entries. Block tables round down, and the units
// left over, the top ones of Y's range (Y >= slow_start: a compare on the
// random bits, no look-up), are the slow draws: first the clipped tails'
// units (every input at the lowest or the top level: out of the table so
// that every entry in it takes the cell offset), then the residual with its
// probability, else an entry drawn with the deficits of the rounding (below
// 2^-y per entry) as probabilities. That is exact up to the 53-bit uniforms
// of the slow draws.
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
  void draw_slow(double* const* rows, long i, std::uint64_t y, double offset,
                 SlowWords& words) const;

  struct Column {
    std::uint32_t threshold;  // kept when the fraction bits lie below it
    std::uint32_t entry[2];   // offsets into entries_: the column's own entry, then its alias
  };
  struct SlowBlock {
    double far, toward_zero, width;  // the end farther from 0, the sign towards 0, z1 - z0
    double at_far, slope;            // phi - floor at the far end, a bound on |phi'|
    double nearest, top, floor;      // top = phi(nearest), nearest to 0 in [z0, z1]
    std::int64_t first_cell, span;
  };
  std::vector<Column> column_;
  // Entry k at entries_[k * m]: the m inputs' levels at the start of the
  // entry's cells; shifted_[k]: 1 if the cell offset applies (blocks), else 0.
  std::vector<double> entries_;
  std::vector<char> shifted_;
  // Block tables' clipped tails: slow draws with Y below tail_end_[t] (from
  // slow_start_ on, in order) are entry tail_entry_[t].
  int tail_count_ = 0;
  std::array<std::uint64_t, 2> tail_end_{};
  std::array<std::uint32_t, 2> tail_entry_{};
  double lowest_ = 0.0;
  double spacing_ = 0.0;
  Draw draw_ = Draw::whole;
  int y_bits_ = 32;                                    // bits of the draw Y: column, then fraction
  int fraction_bits_ = 31;                             // y_bits_ - s
  std::uint64_t slow_start_ = std::uint64_t{1} << 32;  // Y >= this: a slow draw
  std::uint64_t offset_mask_ = 0;                      // span - 1 of the blocks
  std::array<double, 256> byte_offset_{};              // narrow: spacing x offset
  // Slow draws: the residual's share, its blocks, and the deficits' entries.
  double residual_share_ = 0.0;
  std::vector<SlowBlock> blocks_;
  std::optional<LevelSampler> block_of_residual_;
  std::optional<LevelSampler> entry_of_deficit_;
  int inputs_ = 0;
};

}  // namespace qmf
