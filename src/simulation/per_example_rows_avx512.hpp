// The pass of per_example_rows.cpp written with AVX-512 intrinsics, for the
// whole groups of 8 weights of a row: the same rule and the same bits, in
// about two thirds of the operations GCC makes of the portable loop. Its
// clip is vmaxpd/vminpd and its floor one vrndscalepd, where the portable
// loop needs the bits of t + 2^52 for both (no branch, and nothing AVX2
// lacks). Measured in docs/benchmarks.md ("Per-example rounding with
// AVX-512 intrinsics").
#pragma once

#include <cstdint>

#include "qmf/weights/weight_rounding.hpp"

namespace qmf::simulation {

/// True where the CPU has AVX-512 (x86-64-v4).
bool runs_avx512_rows();

/// first[j] and second[j] for j in [0, count), count a multiple of 8, from
/// latent[j] and the hash of key ^ (index + j) (per_example_rows.hpp). Needs
/// a CPU with AVX-512.
[[gnu::target("avx512f,avx512dq")]] void round_pair_avx512(const WeightRounding& rounding,
                                                           const double* latent, long count,
                                                           std::uint64_t key, std::uint64_t index,
                                                           double* first, double* second);

}  // namespace qmf::simulation
