// Per-example rounding's draws (per_example_rounding.cpp's draw_up_moves)
// written by hand for AVX2: GCC 12 compiled that loop's comparisons of 64-byte
// vectors lane by lane for AVX2 and SSE2 (per-example training at 20-25x the
// float step without AVX-512, docs/benchmarks.md).
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace qmf::training::rounding {

/// up[r] = 1{u_r < high[r]} (1.0f or 0.0f) for the groups of 32 covering m
/// weights, u_r the layout's 16-bit uniform; true if some u_r = high[r]. The
/// bits of draw_up_moves. Needs a CPU with AVX2.
[[gnu::target("avx2")]] bool draw_up_moves_avx2(const std::uint32_t* high, float* up,
                                                Eigen::Index m, std::uint64_t key,
                                                std::uint64_t base);

}  // namespace qmf::training::rounding
