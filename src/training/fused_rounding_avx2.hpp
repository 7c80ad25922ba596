// Per-example rounding's draws and sums in one pass for CPUs with AVX2 and
// no AVX-512 (per_example_rounding.cpp): the AVX-512 pass's work
// (fused_rounding_avx512.hpp) with the moves kept as comparison results in
// vector lanes, where AVX2 has no mask registers. The same draws and the same
// sums in the same order as the unfused path, so the same bits.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "training/fused_rounding.hpp"
#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

/// add_fused_rounding_sums_avx512 (the same arguments and the same bits) on
/// a CPU with AVX2.
template <class Scalar>
[[gnu::target("avx2")]] void add_fused_rounding_sums_avx2(
    const std::uint32_t* high, const Scalar* latent, LayerGrid g, Eigen::Index start,
    Eigen::Index m, Eigen::Index rows, std::uint64_t key, std::uint64_t base, Scalar spacing,
    const Scalar* in, bool transposed, Scalar* out);

}  // namespace qmf::training::rounding
