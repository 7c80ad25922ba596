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
// Coarse grids with few inputs (simulation_draws_table) tabulate this law whole, one entry per
// (cell, pattern), drawn by RoundingPatternSampler (weights/pattern_sampler.hpp). Finer grids and
// more inputs round each input by definition with hashed uniforms
// (simulation/per_example_rows.hpp): cheaper than this law split on blocks of
// cells with slow draws for its curvature, which qmf used to draw
// (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// Where a whole table can be built: at most 5 inputs and 512 KiB of table
/// (entries x (8 m + 12) bytes: the m levels and the alias column): up to
/// bits:12 at m = 2, bits:10 at m = 3, bits:8 at m = 4 and 5.
constexpr int max_whole_inputs = 5;
constexpr std::size_t max_whole_bytes = std::size_t{1} << 19;

/// Where the simulation draws from a whole table rather than rounding each
/// input by definition with hashed uniforms: at most 2 inputs and 32 KiB,
/// up to bits:8 at m = 2. Since the hashed pass has an AVX-512 copy that
/// takes the products too (simulation/per_example_rows_avx512.hpp), hashing
/// costs 1.08-1.11x Gaussian weights at m = 2 on any grid, where bits:9's
/// and bits:10's tables cost 1.16-1.22x, and at 3 to 5 inputs 1.07-1.46x
/// against 1.16-1.97x for tables from binary to bits:9 (docs/benchmarks.md).
/// The choice does not depend on the CPU, so neither do the draws.
constexpr int max_drawn_inputs = 2;
constexpr std::size_t max_drawn_bytes = std::size_t{1} << 15;

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
/// Whether the simulation draws from the whole table (max_drawn_inputs and
/// max_drawn_bytes; false for gaussian).
bool simulation_draws_table(const WeightSpec& spec, int inputs);
/// The whole table; std::invalid_argument unless it fits.
RoundingPatterns rounding_patterns(const WeightSpec& spec, int inputs);

/// int_a^(a+D) phi(z) p^k (1 - p)^(m-k) dz, p = (z - a) / D: the probability
/// of one pattern with k = `ones` of m = `inputs` ones in the cell [a, a + D).
double pattern_probability(double a, double spacing, int ones, int inputs);

}  // namespace qmf
