// Per-example stochastic rounding of one latent weight for m inputs at once,
// drawn from its exact joint law.
//
// The simulation never observes the latent weight z ~ N(0, 1) (units of its
// standard deviation), only the m rounded copies the m inputs see. If z lies
// in cell c = [a, a + D) of the grid at fraction p = (z - a) / D, the copies
// are a + D B_e with B_e i.i.d. Bernoulli(p), so (cell, B_1..B_m) is a
// discrete variable with
//
//   P(c, pattern with k ones) = int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz,
//
// and the clipped tails put Phi(lowest) on "every input at the lowest level"
// and 1 - Phi(top) on "every input at the top level".
//
// Coarse grids (cells x 2^m + 2 <= max_whole_entries) tabulate this law
// whole, one entry per (cell, pattern). Finer grids split it on blocks of
// G = 2^g cells. The blocks tile a virtual grid of 2^v >= cells + 2 cells
// starting one cell below the lowest level (bits:b: exactly 2^b cells, 0 on a
// block boundary), and every level is clamped into the grid: a latent weight
// in a virtual cell below the lowest level (above the top) is clipped, every
// input at the lowest (top) level whatever its pattern. On a block [z0, z1)
// of width W = G D, not containing 0 inside, phi lies above a line
// f + s d, d the distance from the end farther from 0 (the tangent at the
// middle where phi is convex, |z| >= 1; the chord where it is concave; f =
// phi(far end) and s = min |phi'| at the ends across |z| = 1). With
// c' = 0..G-1 the cell counted from the far end and p' the fraction from the
// far end (p' = p left of 0, 1 - p right of 0), d = D (c' + p') and
//
//   f + s d = [f + s D (p' - 1/2)]  +  s D (c' + 1/2).
//
// The first term is the same in every cell of the block: the cell is uniform
// among the G (g random bits) and the pattern has the law of m
// Bernoulli(p) under the tilted density f + s D (p' - 1/2) of p, which is
// P(pattern with k ones) = W b_k (f +- s D ((k + 1) / (m + 2) - 1 / 2)),
// b_k = k! (m - k)! / (m + 1)! (+ left of 0, - right of 0): the "flat"
// entries (block, pattern). The second term has cell masses proportional to
// 2 c' + 1, which is exactly the law of the larger of two independent
// uniform g-bit integers (((c' + 1)^2 - c'^2) / G^2), and a uniform p: the
// "linear" entries (block, pattern) with probability s W^2 / 2 b_k, their
// cell offset the larger of two uniforms left of 0 (counted from the block's
// first cell), the smaller right of 0. What is left, phi - f - s d >= 0
// (phi's curvature: 3.3e-5 of the mass at 256 blocks), is the residual:
// a block from the residual masses, z in it by rejection under a bound of
// phi - f - s d on the block, and each input's rounding from a uniform
// compared with p, by definition. The clipped tails beyond the virtual grid
// are entries whose levels clamp to the edge for every offset.
//
// A block table has 2^m flat and (where s > 0) 2^m linear entries per
// block, the blocks the largest power of two with 2^(m+1) entries each in
// max_block_entries (256 at m = 2). The sampler draws the flat entries and
// the tails from its table and the linear entries (0.9 % of the mass at
// m = 2) among its slow draws. With too many inputs for patterns in the table (2^(m+1) >
// max_block_entries) every draw but the tails is residual, with f = s = 0:
// exact, and slow.
//
// Drawn by RoundingPatternSampler (weights/pattern_sampler.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// Entries of a whole table: 32768 (binary up to m = 14 inputs, bits:4 up to
/// 11, bits:8 up to 7, bits:10 up to 5, bits:13 up to 2). Per weight, whole
/// tables cost 0.95 normal draws (bits:8, in L1) to 1.23 (bits:12, 16 378
/// entries) and 1.35-1.5 (bits:13, 32 762), less than blocks (1.55-1.65).
constexpr std::size_t max_whole_entries = 32768;
/// Columns of a block table: 2048 (at m = 2 it holds 1026 entries: 40 KB
/// with its columns).
constexpr std::size_t max_block_entries = 2048;

/// An outcome of the table: input e sees grid level first_cell + bit e of
/// `pattern` + a cell offset shared by the inputs, clamped into [0, cells].
/// The offset lies in [0, span): uniform, or the larger (rising) or the
/// smaller (falling) of two independent uniform draws.
struct PatternEntry {
  enum class Offset : std::uint8_t { uniform, rising, falling };
  std::int64_t first_cell;
  std::int64_t span;  // a power of two; 1 in whole tables
  std::uint64_t pattern;
  double probability;
  Offset offset = Offset::uniform;
};

/// A block of cells [first_cell, first_cell + span) (virtual cells below 0
/// and beyond the top included) on which the residual density is
/// phi(z) - floor - slope d >= 0, d the distance from the end farther from 0.
struct ResidualBlock {
  std::int64_t first_cell;
  std::int64_t span;
  double floor;        // the line under phi drawn through the table: f, s
  double slope;        // 0 where the table draws nothing of the block
  double bound;        // >= the residual density on the block
  double probability;  // its integral over the block
};

/// The joint law of (cell, rounding pattern) for `inputs` inputs: the table's
/// entries, then the residual (none in whole tables). Entries come in order
/// of their offsets: uniform, rising, falling. Empty (no entries) for
/// gaussian.
struct RoundingPatterns {
  int inputs = 0;
  double lowest = 0.0;  // level k = lowest + spacing k, k = 0..cells
  double spacing = 0.0;
  std::int64_t cells = 0;
  std::vector<PatternEntry> entries;
  std::vector<ResidualBlock> blocks;
  [[nodiscard]] double residual() const;  // the blocks' total probability
  /// The residual and the linear entries: the sampler's slow draws but for
  /// the rounding of the table (below 2^-23 per entry).
  [[nodiscard]] double slow() const;
};
/// Whole when it fits max_whole_entries, else in blocks.
RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs);
/// In `blocks` blocks (a power of two; fewer if the virtual grid has fewer
/// cells, all residual if 2^(inputs+1) blocks x `blocks` exceed
/// max_block_entries): for tests on coarse blocks.
RoundingPatterns rounding_patterns_in_blocks(const WeightSpec& spec, int inputs,
                                             std::int64_t blocks);

/// int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz, p = (z - a) / D: the probability
/// of one pattern with k = `ones` of m = `inputs` ones in the cell [a, a + D).
double pattern_probability(double a, double spacing, int ones, int inputs);

}  // namespace qmf
