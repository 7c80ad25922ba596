// What the fused passes of per-example rounding (fused_rounding_avx512.cpp,
// fused_rounding_avx2.cpp) share: where they apply, their signature, their
// walk over a block's groups of 32 weights, the ties' rule, and the last
// folds of masked_dot's tree order (masked_sums.cpp), so that both give the
// bits of the unfused path.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "training/avx2_hash.hpp"
#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

/// Whether a block of a matrix with `rows` rows can take a fused pass: its
/// groups of 32 weights must not straddle a column.
inline bool fusable(Eigen::Index rows) { return rows % 32 == 0; }

/// A fused pass's signature (add_fused_rounding_sums_avx512 says what it does).
template <class Scalar>
using FusedPass = void (*)(const std::uint32_t* high, const Scalar* latent, LayerGrid g,
                           Eigen::Index start, Eigen::Index m, Eigen::Index rows, std::uint64_t key,
                           std::uint64_t base, Scalar spacing, const Scalar* in, bool transposed,
                           Scalar* out);

// The groups of a block of m weights starting at `start`: the group at r of
// the block is rows [i, i + 32) of column j, stepped on rather than divided for.
struct GroupWalk {
  Eigen::Index rows, m, r = 0, j, i;
  GroupWalk(Eigen::Index start, Eigen::Index m, Eigen::Index rows)
      : rows(rows), m(m), j(start / rows), i(start - j * rows) {}
  [[nodiscard]] bool more() const { return r < m; }
  // Whether a transposed column's part ends with this group: with the column
  // or with the block.
  [[nodiscard]] bool part_ends() const { return i + 32 == rows || r + 32 == m; }
  void next() {
    r += 32;
    i += 32;
    if (i == rows) {
      i = 0;
      ++j;
    }
  }
};

// The group's ties (bit l: weight r + l of the block starting at `start`,
// u = high, probability 2^-16 each) from 32 more bits: the rule of
// resolve_ties. Rare, so kept out of line.
template <class Scalar>
[[gnu::noinline]] std::uint32_t resolve_group_ties(std::uint32_t moves, std::uint32_t ties,
                                                   const Scalar* latent, const LayerGrid& g,
                                                   Eigen::Index r, std::uint64_t tie_key,
                                                   std::uint64_t start) {
  for (int l = 0; l < 32; ++l) {
    if ((ties >> l & 1u) == 0) continue;
    const auto i = static_cast<std::uint64_t>(r + l);
    const auto bits = static_cast<std::uint32_t>(mix(tie_key ^ (start + i)));
    const bool up = bits < tie_threshold(static_cast<double>(latent[i]), g);
    moves = up ? moves | 1u << l : moves & ~(1u << l);
  }
  return moves;
}

// masked_dot's fold p[k] += p[k + width] from width 4 on, for the first eight
// of its 16 float partial sums.
QMF_AVX2 float fold(__m256 eight) {
  const __m128 four = _mm_add_ps(_mm256_castps256_ps128(eight), _mm256_extractf128_ps(eight, 1));
  const __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// The same from width 2 on, for the first four of its 16 double ones.
QMF_AVX2 double fold(__m256d four) {
  const __m128d two = _mm_add_pd(_mm256_castpd256_pd128(four), _mm256_extractf128_pd(four, 1));
  return _mm_cvtsd_f64(_mm_add_sd(two, _mm_unpackhi_pd(two, two)));
}

}  // namespace qmf::training::rounding
