// Per-example rounding's draws and sums in one pass, written for AVX-512
// (per_example_rounding.cpp): a group's 32 moves go from the comparisons
// straight into mask registers and are applied by masked additions, instead
// of being stored as 0/1 floats and read back by add_masked_sums. The same
// draws (ties included) and the same sums in the same order, so the same
// bits as draw_up_moves + resolve_ties + add_masked_sums for finite inputs
// (but for the sign of an output that is exactly zero: the .cpp says when).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "training/fused_rounding.hpp"
#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

/// True where the CPU has AVX-512 (x86-64-v4) and the build keeps its copies
/// (not -DQMF_NO_AVX512 or -DQMF_QAT_BASELINE_ONLY).
bool runs_avx512_rounding();

/// The products of one example over the weights [start, start + m) of a
/// column-major matrix with `rows` rows (fusable(rows), start a multiple of
/// 32): out[i] += spacing up_ij in[j] (transposed: out[j] += spacing
/// sum_i up_ij in[i]), the moves up drawn from high (the block's thresholds'
/// top bits), key and base as in per_example_rounding.cpp, a tie from the
/// block's latent weights and their grid g. Needs a CPU with AVX-512.
template <class Scalar>
[[gnu::target("avx512f,avx512dq,avx512bw,avx512vl")]] void add_fused_rounding_sums_avx512(
    const std::uint32_t* high, const Scalar* latent, LayerGrid g, Eigen::Index start,
    Eigen::Index m, Eigen::Index rows, std::uint64_t key, std::uint64_t base, Scalar spacing,
    const Scalar* in, bool transposed, Scalar* out);

}  // namespace qmf::training::rounding
