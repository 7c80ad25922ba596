// Per-example stochastic rounding of one row of latent weights, every input's
// row at once (simulation/dense_layer.cpp, where no rounding-pattern table is
// used): input k sees level(floor t_j) + spacing 1{u_kj < f_j}, t_j the grid
// position of latent weight j and f_j = t_j - floor t_j, so that its inputs'
// roundings are independent given the latent weight, each unbiased.
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

/// rows[k][0, n) for k < 2 pairs from latent[0, n), in the latent's units
/// (an odd number of inputs leaves the last row unused). With AVX-512 the
/// whole groups of 8 take per_example_rows_avx512.hpp's copy: the same bits.
void round_per_example(const WeightRounding& rounding, const double* latent, long n,
                       std::uint64_t key, double* const* rows, int pairs);

/// The same rows from the portable loop alone (whichever of its target
/// clones the CPU takes), for the tests to compare the two.
void round_per_example_portable(const WeightRounding& rounding, const double* latent, long n,
                                std::uint64_t key, double* const* rows, int pairs);

}  // namespace qmf::simulation
