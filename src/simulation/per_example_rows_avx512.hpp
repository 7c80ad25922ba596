// The passes of per_example_rows.cpp written with AVX-512 intrinsics, for
// the whole groups of 8 weights of a row: the same rule and the same bits, in
// about two thirds of the operations GCC makes of the portable loop. Its
// clip is vmaxpd/vminpd and its floor one vrndscalepd, where the portable
// loop needs the bits of t + 2^52 for both (no branch, and nothing AVX2
// lacks). The products with the inputs are taken in the same pass, so the
// rounded rows are never stored. Measured in docs/benchmarks.md
// ("Per-example rounding with AVX-512 intrinsics").
#pragma once

#include <cstdint>

#include "qmf/weights/weight_rounding.hpp"

namespace qmf::simulation {

/// True where the CPU has AVX-512 (x86-64-v4), unless built with -DQMF_NO_AVX512.
bool runs_avx512_rows();

// For j in [0, count), count a multiple of 8: the weights w_first[j] and
// w_second[j] the pair's inputs see, from latent[j] and the hash of
// key ^ (index + j) (per_example_rows.hpp). They need a CPU with AVX-512.

/// first[j] = w_first[j], second[j] = w_second[j].
[[gnu::target("avx512f,avx512dq")]] void round_pair_avx512(const WeightRounding& rounding,
                                                           const double* latent, long count,
                                                           std::uint64_t key, std::uint64_t index,
                                                           double* first, double* second);

/// lanes_first[l] += w_first[j] x_first[j] for j = l mod 8 (a product, then
/// a sum: no FMA), and the same for the second input.
[[gnu::target("avx512f,avx512dq")]] void dot_pair_avx512(const WeightRounding& rounding,
                                                         const double* latent, long count,
                                                         std::uint64_t key, std::uint64_t index,
                                                         const double* x_first,
                                                         const double* x_second,
                                                         double* lanes_first, double* lanes_second);

/// out_first[j] += scale_first w_first[j] (a product, then a sum), and the
/// same for the second input.
[[gnu::target("avx512f,avx512dq")]] void add_pair_avx512(const WeightRounding& rounding,
                                                         const double* latent, long count,
                                                         std::uint64_t key, std::uint64_t index,
                                                         double scale_first, double scale_second,
                                                         double* out_first, double* out_second);

}  // namespace qmf::simulation
