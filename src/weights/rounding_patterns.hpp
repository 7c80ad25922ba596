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
// whole, one entry per (cell, pattern). Finer grids split it in two. On a
// block of G = 2^g consecutive cells [z0, z1) the density phi is at least its
// value at the end farther from 0, f = min(phi(z0), phi(z1)), so phi = f +
// (phi - f) there. Under the flat part f, t = (z - lowest) / D is uniform on
// the block's cells: the cell is uniform among the G and the fraction p
// uniform on [0, 1) independently of it, so the pattern has the law of m
// Bernoulli(p) with p ~ U(0, 1), P(pattern with k ones) = k! (m - k)! /
// (m + 1)!, the same in every cell. Those entries (block, pattern),
// probability f G D P(pattern), go into the table, the cell within the block
// drawn from g random bits. The table takes at most 63/64 of
// max_pattern_entries in blocks (1007 at m = 2; G the least power of two
// with at most 1/32 more blocks than that, the extra ones at the top edge
// with f = 0). What is left, phi - f on each block (about |z| G D / 2 of the
// mass: 0.28 % at m = 2 for every grid finer than bits:13), is the residual:
// a block from the residual masses, z in it by rejection (proposals under
// the line (phi - f)(far end) + max|phi'| x distance from the far end, which
// bounds phi - f on the block, accepted under phi - f: nearly all of them),
// and each input's rounding from a uniform compared with p, by definition.
// With too many inputs for patterns in the table (2^m > max_pattern_entries /
// 4) every draw but the tails is residual, with f = 0: exact, and slow.
//
// Drawn by RoundingPatternSampler (weights/pattern_sampler.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// Entries of a block table: 4096 (finer grids than whole tables take at
/// m = 2 1007 blocks of 2^(b-10) cells, 1/170 of a standard deviation at
/// clip 3).
constexpr std::size_t max_pattern_entries = 4096;
/// Entries of a whole table: 32768 (binary up to m = 14 inputs, bits:4 up to
/// 11, bits:8 up to 7, bits:10 up to 5, bits:13 up to 2). Read from L2 like a
/// block table, but without its cell offsets and slow draws: per weight,
/// bits:12 costs 1.23 normal draws whole against 1.65 in blocks, bits:13
/// 1.5, and bits:14 (65534 entries) would cost 2.3, no longer in L2.
constexpr std::size_t max_whole_entries = 32768;

/// An outcome of the table: input e sees grid level first_cell + bit e of
/// `pattern` + the same cell offset for every input, uniform in [0, span).
struct PatternEntry {
  std::int64_t first_cell;
  std::int64_t span;  // a power of two; 1 in whole tables
  std::uint64_t pattern;
  double probability;
};

/// A block of cells [first_cell, first_cell + span) whose density phi - floor
/// (above what the table's entries draw) is the residual's on it.
struct ResidualBlock {
  std::int64_t first_cell;
  std::int64_t span;
  double floor;        // the flat part of phi drawn through the table; 0 if none
  double probability;  // int (phi - floor) over the block
};

/// The joint law of (cell, rounding pattern) for `inputs` inputs: the table's
/// entries, then the residual (none in whole tables). Empty (no entries) for
/// gaussian.
struct RoundingPatterns {
  int inputs = 0;
  double lowest = 0.0;  // level k = lowest + spacing k, k = 0..cells
  double spacing = 0.0;
  std::int64_t cells = 0;
  std::vector<PatternEntry> entries;
  std::vector<ResidualBlock> blocks;
  [[nodiscard]] double residual() const;  // the blocks' total probability
};
RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs);

/// int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz, p = (z - a) / D: the probability
/// of one pattern with k = `ones` of m = `inputs` ones in the cell [a, a + D).
double pattern_probability(double a, double spacing, int ones, int inputs);

}  // namespace qmf
