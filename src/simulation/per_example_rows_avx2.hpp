// The passes of per_example_rows.cpp written with AVX2 intrinsics, for the
// whole groups of 8 weights of a row on a CPU with AVX2 and FMA but without
// AVX-512 (most laptops): the same rule and the same bits as the portable
// loop and the AVX-512 copy (per_example_rows_avx512.hpp), four lanes at a
// time. Its clip is vmaxpd/vminpd and its floor one vroundpd, where GCC's
// AVX2 clone of the portable loop takes both from the bits of t + 2^52, and
// two multiplies per 64-bit product of the hash (numerics/mix64_avx2.hpp)
// where that clone takes three.
#pragma once

#include <cstdint>

#include "qmf/weights/weight_rounding.hpp"

#define QMF_ROWS_AVX2_TARGET gnu::target("avx2,fma")

namespace qmf::simulation {

/// True where the CPU has AVX2 and FMA (x86-64-v3).
bool runs_avx2_rows();

// For j in [0, count), count a multiple of 8: the weights w_first[j] and
// w_second[j] the pair's inputs see, from latent[j] and the hash of
// key ^ (index + j) (per_example_rows.hpp). They need a CPU with AVX2 and FMA.

/// first[j] = w_first[j], second[j] = w_second[j].
[[QMF_ROWS_AVX2_TARGET]] void round_pair_avx2(const WeightRounding& rounding, const double* latent,
                                              long count, std::uint64_t key, std::uint64_t index,
                                              double* first, double* second);

/// lanes_first[l] += w_first[j] x_first[j] for j = l mod 8 (a product, then
/// a sum: no FMA), and the same for the second input.
[[QMF_ROWS_AVX2_TARGET]] void dot_pair_avx2(const WeightRounding& rounding, const double* latent,
                                            long count, std::uint64_t key, std::uint64_t index,
                                            const double* x_first, const double* x_second,
                                            double* lanes_first, double* lanes_second);

/// out_first[j] += scale_first w_first[j] (a product, then a sum), and the
/// same for the second input.
[[QMF_ROWS_AVX2_TARGET]] void add_pair_avx2(const WeightRounding& rounding, const double* latent,
                                            long count, std::uint64_t key, std::uint64_t index,
                                            double scale_first, double scale_second,
                                            double* out_first, double* out_second);

}  // namespace qmf::simulation
