// Per-example rounding's loops written by hand for AVX2 (per_example_rounding.cpp's
// draw_up_moves and thresholds, weight_quantizer.cpp's round_down): GCC 12
// compiled the draws' comparisons of 64-byte vectors lane by lane and
// LayerGrid::whole with a branch per weight for AVX2 and SSE2 (per-example
// training at 20-25x the float step without AVX-512, docs/benchmarks.md).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

/// up[r] = 1{u_r < high[r]} (1.0f or 0.0f) for the groups of 32 covering m
/// weights, u_r the layout's 16-bit uniform; true if some u_r = high[r]. The
/// bits of draw_up_moves. Needs a CPU with AVX2.
[[gnu::target("avx2")]] bool draw_up_moves_avx2(const std::uint32_t* high, float* up,
                                                Eigen::Index m, std::uint64_t key,
                                                std::uint64_t base);

/// thresholds() of weights [0, n), n = m rounded down to a multiple of 4
/// (returned; the caller does the rest): the same values, whole() as a floor.
template <class Scalar>
[[gnu::target("avx2")]] Eigen::Index thresholds_avx2(const Scalar* latent, std::uint32_t* high,
                                                     Eigen::Index m, LayerGrid g);

/// out = L(latent) (LayerGrid::below) for weights [0, n), n = count rounded
/// down to a multiple of 4 (returned).
template <class Scalar>
[[gnu::target("avx2")]] Eigen::Index round_down_avx2(const Scalar* latent, Scalar* out,
                                                     Eigen::Index count, LayerGrid g);

}  // namespace qmf::training::rounding
