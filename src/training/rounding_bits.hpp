// The random bits and the grid arithmetic of the QAT weight quantizer,
// shared by the rounding of whole matrices (weight_quantizer.cpp) and the
// per-example rounding products (per_example_rounding.cpp).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "numerics/mix64.hpp"
#include "qmf/training/weight_quantizer.hpp"

namespace qmf::training::rounding {

using detail::mix;  // numerics/mix64.hpp: SplitMix64's finaliser
using detail::mix_in_place;

// Per-example rounding's ties (per_example_rounding.cpp) take their 32 more
// bits from a second hash keyed mix(key ^ per_example_tie_salt).
constexpr std::uint64_t per_example_tie_salt = 0x6a09e667f3bcc909ULL;

// 32 random bits per weight, uniform u in [0, 1) on a grid of 2^-32, one hash
// serving two weights. The weights are taken in blocks of quantizer_block (the
// last block shorter); in a block of m weights starting at s, weight s + r
// takes the low 32 bits of mix(key ^ (s/2 + r)) for r < m/2 and the high 32
// bits of mix(key ^ (s/2 + r - m/2)) for m/2 <= r < 2 (m/2); an odd last
// weight takes the low bits of mix(key ^ (s/2 + m/2)). Block by block, so
// that a block can be rounded while it is in cache; the halves of a hash go
// to weights a vector apart, so that the hashes of consecutive r feed
// consecutive weights in both halves and the loop vectorises without shuffles.
constexpr std::uint64_t low_bits = 0xffffffffULL;

// u = bits 2^-32 exactly, as a double in [1, 2) minus 1: the 32 bits become
// the top of the mantissa (integer operations on the 64-bit lanes, where an
// unsigned 32-bit integer has no SSE2 conversion to double).
inline double unit_interval(std::uint64_t bits32) {
  return std::bit_cast<double>((bits32 << 20) | 0x3ff0000000000000ULL) - 1.0;
}

// The uniform of weight i of a matrix of `size` weights (the layout above).
inline double uniform_at(std::uint64_t key, Eigen::Index i, Eigen::Index size) {
  const Eigen::Index start = i / quantizer_block * quantizer_block;
  const Eigen::Index half = std::min(size - start, quantizer_block) / 2;
  const Eigen::Index r = i - start;
  const auto base = static_cast<std::uint64_t>(start / 2);
  if (r < half) return unit_interval(mix(key ^ (base + r)) & low_bits);
  if (r < 2 * half) return unit_interval(mix(key ^ (base + r - half)) >> 32);
  return unit_interval(mix(key ^ (base + half)) & low_bits);
}

// A layer's grid in its own units: the position t = clip(w scale + offset)
// in [0, cells], the level start + step k. The int conversions (floor of
// t >= 0, vectorised) need fewer cells than an int counts.
struct LayerGrid {
  double scale, offset, cells, start, step;
  [[nodiscard]] double position(double w) const {
    return std::min(std::max(w * scale + offset, 0.0), cells);
  }
  // Up when u < t - floor(t).
  [[nodiscard]] double stochastic(double w, double u) const {
    const double t = position(w);
    const auto below = static_cast<double>(static_cast<int>(t));
    return start + step * (below + static_cast<double>(u < t - below));
  }
  [[nodiscard]] double nearest(double w) const {
    return start + step * static_cast<double>(static_cast<int>(position(w) + 0.5));
  }
  // The level below (per-example rounding's L) and the fraction of the cell
  // above it (its probability of rounding up; with floor, for any grid: the
  // same as the int conversion of stochastic() below 2^31 cells).
  [[nodiscard]] double below(double w) const { return start + step * whole(position(w)); }
  [[nodiscard]] double fraction(double w) const {
    const double t = position(w);
    return t - whole(t);
  }
  // floor(t) for 0 <= t < 2^51: t rounded to an integer by adding 2^52, less
  // one if that went up. std::floor did not vectorise (GCC 12, float latents).
  [[nodiscard]] static double whole(double t) {
    const double rounded = (t + 0x1p52) - 0x1p52;
    return rounded - static_cast<double>(rounded > t);
  }
};

// The loops over a layer's weights are compiled for AVX-512 (x86-64-v4), for
// AVX2 and for the baseline (SSE2), and the copy the CPU supports is picked
// when the library loads: AVX-512 has eight double lanes and a 64-bit integer
// multiply for the hash, AVX2 four lanes. The same operations in the same
// order without FMA (-ffp-contract=off), so every copy gives the same weights
// bit for bit. Branch-free (min/max, integer conversion of t >= 0 as floor, a
// comparison as 0/1): the rounding direction is unpredictable, and a
// mispredicted branch per weight would cost more than the rest of the loop.
// -DQMF_NO_AVX512 leaves the AVX-512 copy out: a build that runs the AVX2
// copy on an AVX-512 machine, to benchmark it (docs/benchmarks.md);
// -DQMF_QAT_BASELINE_ONLY leaves the AVX2 copy out as well, to test the
// baseline copy on any machine. Stochastic rounding's AVX2 copy is written by
// hand (stochastic_rounding_avx2.cpp): its generic loop has no AVX2 clone.
#if defined(QMF_QAT_BASELINE_ONLY)
#define QMF_QAT_CLONES
#define QMF_QAT_CLONES_BUT_AVX2
#elif defined(QMF_NO_AVX512)
#define QMF_QAT_CLONES [[gnu::target_clones("avx2", "default")]]
#define QMF_QAT_CLONES_BUT_AVX2
#else
#define QMF_QAT_CLONES [[gnu::target_clones("arch=x86-64-v4", "avx2", "default")]]
#define QMF_QAT_CLONES_BUT_AVX2 [[gnu::target_clones("arch=x86-64-v4", "default")]]
#endif

// Weights r and m/2 + r of a block of m weights for from <= r < m/2, and an
// odd last weight: the layout above, with the block's first hash index base.
template <class Scalar>
inline void round_stochastic_pairs(const Scalar* latent, Scalar* out, Eigen::Index m,
                                   Eigen::Index from, std::uint64_t key, std::uint64_t base,
                                   const LayerGrid& g) {
  const Eigen::Index half = m / 2;
  for (Eigen::Index r = from; r < half; ++r) {
    const std::uint64_t bits = mix(key ^ (base + static_cast<std::uint64_t>(r)));
    out[r] = static_cast<Scalar>(
        g.stochastic(static_cast<double>(latent[r]), unit_interval(bits & low_bits)));
    out[half + r] = static_cast<Scalar>(
        g.stochastic(static_cast<double>(latent[half + r]), unit_interval(bits >> 32)));
  }
  if (m % 2 != 0)
    out[m - 1] = static_cast<Scalar>(g.stochastic(
        static_cast<double>(latent[m - 1]), unit_interval(mix(key ^ (base + half)) & low_bits)));
}

// Per-example rounding's threshold of weight w is P = floor(f 2^48), f =
// g.fraction(w): its top 16 bits are compared with every example's uniform,
// its low 32 bits only on a tie (probability 2^-16), so they are computed
// there. From f 2^16 (exact) with signed 32-bit conversions, which every
// instruction set has for vectors: the low bits shifted by 2^31 into range.
inline double threshold_top(double w, const LayerGrid& g) {
  return LayerGrid::whole(g.fraction(w) * 0x1p16);
}
inline std::uint32_t tie_threshold(double w, const LayerGrid& g) {
  const double f = g.fraction(w) * 0x1p16;
  const double rest = LayerGrid::whole((f - LayerGrid::whole(f)) * 0x1p32);
  return static_cast<std::uint32_t>(static_cast<std::int32_t>(rest - 0x1p31)) + 0x80000000u;
}

// The grid of a layer whose weights have standard deviation sigma.
inline LayerGrid layer_grid(double sigma, double top, double spacing, double cells) {
  return {1.0 / (sigma * spacing), top / spacing, cells, -sigma * top, sigma * spacing};
}

}  // namespace qmf::training::rounding
