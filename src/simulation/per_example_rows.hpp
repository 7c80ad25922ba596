// Per-example stochastic rounding of one row of latent weights, every input's
// row at once, and the layer's products with those rows
// (simulation/dense_layer.cpp, where no rounding-pattern table is used): input k sees level(floor
// t_j) + spacing 1{u_kj < f_j}, t_j the grid position of latent weight j and f_j = t_j - floor t_j,
// so that its inputs' roundings are independent given the latent weight, each unbiased.
//
// The uniforms are hashed, not streamed: u_kj is half k mod 2 of
// mix(key ^ ((k / 2) n + j)) (numerics/mix64.hpp), 32 bits, so one hash serves
// a pair of inputs and the loop over j vectorises (AVX-512 or AVX2 copies).
// The comparison is made in doubles, 2^52 + u against 2^52 + f 2^32 (the
// latter rounded to an integer): P(up) = round(f 2^32) / 2^32, within 2^-33
// of f.
#pragma once

#include <cstdint>

#include "qmf/weights/weight_rounding.hpp"

namespace qmf::simulation {

/// Which copy of the pass runs: the fastest the CPU has (for the whole
/// groups of 8, the AVX-512 copy, per_example_rows_avx512.hpp, or else the
/// AVX2 one, per_example_rows_avx2.hpp; the portable loop elsewhere), the
/// AVX2 copy where the CPU has AVX2 (even with AVX-512), or the portable loop
/// throughout (whichever of its target clones the CPU takes), for the tests to
/// compare them. All give the same bits.
enum class RowCopy { fastest, avx2, portable };

/// rows[k][0, n) for k < 2 pairs: the weights input k sees, from latent[0, n),
/// in the latent's units (an odd number of inputs leaves the last row unused).
void round_per_example(const WeightRounding& rounding, const double* latent, long n,
                       std::uint64_t key, double* const* rows, int pairs,
                       RowCopy copy = RowCopy::fastest);

/// products[k] = sum_j w_kj inputs[k][j] over those weights, summed by j mod 8
/// and folded in a fixed order. rows (as above) is a workspace.
void dot_per_example(const WeightRounding& rounding, const double* latent, long n,
                     std::uint64_t key, const double* const* inputs, double* products,
                     double* const* rows, int pairs, RowCopy copy = RowCopy::fastest);

/// outputs[k][j] += scales[k] w_kj (a product, then a sum, as Eigen's
/// a += c w). rows (as above) is a workspace.
void add_per_example(const WeightRounding& rounding, const double* latent, long n,
                     std::uint64_t key, const double* scales, double* const* outputs,
                     double* const* rows, int pairs, RowCopy copy = RowCopy::fastest);

}  // namespace qmf::simulation
