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
// Coarse grids with few inputs (cells x 2^m + 2 <= max_whole_entries)
// tabulate this law whole, one entry per (cell, pattern), drawn by
// RoundingPatternSampler (weights/pattern_sampler.hpp). Finer grids and more
// inputs round each input by definition with hashed uniforms
// (simulation/per_example_rows.hpp): cheaper than this law split on blocks of
// cells with slow draws for its curvature, which qmf used to draw
// (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// Entries of a whole table: 32768 (binary up to m = 14 inputs, bits:4 up to
/// 11, bits:8 up to 7, bits:10 up to 5, bits:13 up to 2). Per weight, whole
/// tables cost 0.95 normal draws (bits:8, in L1) to 1.23 (bits:12, 16 378
/// entries) and 1.35-1.5 (bits:13, 32 762).
constexpr std::size_t max_whole_entries = 32768;

/// An outcome of the table: input e sees grid level first_cell + bit e of
/// `pattern`.
struct PatternEntry {
  std::int64_t first_cell;
  std::uint64_t pattern;
  double probability;
};

/// The joint law of (cell, rounding pattern) for `inputs` inputs, one entry
/// per (cell, pattern) and the two clipped tails. Empty (no entries) for
/// gaussian.
struct RoundingPatterns {
  int inputs = 0;
  double lowest = 0.0;  // level k = lowest + spacing k, k = 0..cells
  double spacing = 0.0;
  std::int64_t cells = 0;
  std::vector<PatternEntry> entries;
};
/// Whether the law of a quantized spec for `inputs` inputs fits a whole table
/// (false for gaussian).
bool fits_whole_table(const WeightSpec& spec, int inputs);
/// The whole table; std::invalid_argument unless it fits.
RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs);

/// int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz, p = (z - a) / D: the probability
/// of one pattern with k = `ones` of m = `inputs` ones in the cell [a, a + D).
double pattern_probability(double a, double spacing, int ones, int inputs);

}  // namespace qmf
