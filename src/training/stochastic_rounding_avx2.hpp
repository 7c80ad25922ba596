// The stochastic rounding of a block of weights (weight_quantizer.cpp's
// round_stochastic_block: the layout of rounding_bits.hpp) written by hand
// for AVX2, and the test of whether the library runs it.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

/// Weights [0, m) of a block whose first hash index is `base`, bit for bit
/// the values of round_stochastic_block (and of LayerGrid::stochastic weight
/// by weight). Needs a CPU with AVX2.
template <class Scalar>
[[gnu::target("avx2")]] void round_stochastic_block_avx2(const Scalar* latent, Scalar* out,
                                                         Eigen::Index m, std::uint64_t key,
                                                         std::uint64_t base, LayerGrid g);

/// True where the CPU has AVX2 and the library has no wider copy for it (no
/// AVX-512, or a build with -DQMF_NO_AVX512); false in a build with
/// -DQMF_QAT_BASELINE_ONLY.
bool runs_avx2_rounding();

}  // namespace qmf::training::rounding
