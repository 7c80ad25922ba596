// The fused pass of per-example rounding for AVX2. A group of 32 weights
// takes eight hashes, two vectors of four read as sixteen 32-bit words (the
// layout of per_example_rounding.cpp, as in per_example_draws_avx2.cpp), and
// its moves are four vectors of eight 32-bit lanes: u - high, whose sign bit
// is set where u < high (high is at most 2^16, or 2^31 from a NaN latent's
// conversion, so this is the unsigned comparison), a tie where it is 0. The
// sign bits pick the addend lane by lane (blendv, which reads no other bit).
// Forward: column j's 32 outputs gain a = spacing in[j] where up and a 0
// where down, add_scaled's products a 1 and a 0 (the same bits, a's sign on
// a zero included). Transposed: 16 partial sums of in[i] where up and +0
// where down (add_masked_sums adds 0 in[i], the same bits for finite in[i]:
// a partial sum starts at +0 and never becomes -0), lane k taking the rows
// k mod 16 of the column's part in the block, added up in masked_dot's tree
// order.
#include "training/fused_rounding_avx2.hpp"

#include <immintrin.h>

#include <type_traits>

#include "training/avx2_hash.hpp"
#include "training/fused_rounding.hpp"
#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

namespace {

// Lane l of lanes[q] has its sign bit set where weight r + 8 q + l of the
// group at r moves up.
struct Moves {
  __m256i lanes[4];
};

// The moves of the group at r; the uniforms of its eight hashes from `index`.
template <class Scalar>
QMF_AVX2 Moves group_moves(const std::uint32_t* high, const Scalar* latent, const LayerGrid& g,
                           Eigen::Index r, __m256i keys, __m256i index, std::uint64_t tie_key,
                           std::uint64_t start) {
  const __m256i words[2] = {
      avx2::mix(_mm256_xor_si256(keys, index)),
      avx2::mix(_mm256_xor_si256(keys, _mm256_add_epi64(index, avx2::splat(4))))};
  Moves up;
  for (int q = 0; q < 4; ++q) {
    // Weights 8 q to 8 q + 7: the low 16 bits of words 8 q to 8 q + 7, then
    // (q >= 2) the high 16 bits of words 8 (q - 2) onwards.
    const __m256i u = q < 2 ? _mm256_and_si256(words[q], _mm256_set1_epi32(0xffff))
                            : _mm256_srli_epi32(words[q - 2], 16);
    const __m256i limit = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(high + r + 8 * q));
    up.lanes[q] = _mm256_sub_epi32(u, limit);
  }
  // A tie where some u - high is 0: the least difference as unsigned integers.
  const __m256i zero = _mm256_setzero_si256();
  const __m256i least = _mm256_min_epu32(_mm256_min_epu32(up.lanes[0], up.lanes[1]),
                                         _mm256_min_epu32(up.lanes[2], up.lanes[3]));
  if (_mm256_movemask_epi8(_mm256_cmpeq_epi32(least, zero)) == 0) [[likely]]
    return up;
  std::uint32_t moves = 0, ties = 0;
  for (int q = 0; q < 4; ++q) {
    const __m256i tie = _mm256_cmpeq_epi32(up.lanes[q], zero);
    moves |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(up.lanes[q])))
             << 8 * q;
    ties |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(tie))) << 8 * q;
  }
  moves = resolve_group_ties(moves, ties, latent, g, r, tie_key, start);
  const __m256i bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  for (int q = 0; q < 4; ++q) {
    const __m256i set = _mm256_and_si256(_mm256_set1_epi32(static_cast<int>(moves >> 8 * q)), bits);
    up.lanes[q] = _mm256_cmpeq_epi32(set, bits);
  }
  return up;
}

// Lanes 4 h to 4 h + 3 of a move vector as four 64-bit lanes (sign bits kept).
QMF_AVX2 __m256d widen(__m256i moves, int h) {
  const __m128i half = h == 0 ? _mm256_castsi256_si128(moves) : _mm256_extracti128_si256(moves, 1);
  return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(half));
}

// out[l] += a up_l + a 0 (1 - up_l) for the group's 32 weights, l < 32.
QMF_AVX2 void add_products(float* out, const Moves& up, float a) {
  const __m256 with = _mm256_set1_ps(a), without = _mm256_mul_ps(with, _mm256_setzero_ps());
  for (int q = 0; q < 4; ++q) {
    const __m256 addend = _mm256_blendv_ps(without, with, _mm256_castsi256_ps(up.lanes[q]));
    _mm256_storeu_ps(out + 8 * q, _mm256_add_ps(_mm256_loadu_ps(out + 8 * q), addend));
  }
}

QMF_AVX2 void add_products(double* out, const Moves& up, double a) {
  const __m256d with = _mm256_set1_pd(a), without = _mm256_mul_pd(with, _mm256_setzero_pd());
  for (int q = 0; q < 4; ++q)
    for (int h = 0; h < 2; ++h) {
      double* p = out + 8 * q + 4 * h;
      const __m256d addend = _mm256_blendv_pd(without, with, widen(up.lanes[q], h));
      _mm256_storeu_pd(p, _mm256_add_pd(_mm256_loadu_pd(p), addend));
    }
}

// Sixteen partial sums, partial k in lane k mod 8 of lanes[k / 8] (float) or
// lane k mod 4 of lanes[k / 4] (double); the group's row l goes to partial
// l mod 16, rows 0-15 before rows 16-31 as in masked_dot.
struct FloatPartials {
  __m256 lanes[2];
};
struct DoublePartials {
  __m256d lanes[4];
};
template <class Scalar>
using Partials = std::conditional_t<std::is_same_v<Scalar, float>, FloatPartials, DoublePartials>;

QMF_AVX2 void clear(FloatPartials& s) { s.lanes[0] = s.lanes[1] = _mm256_setzero_ps(); }
QMF_AVX2 void clear(DoublePartials& s) {
  for (__m256d& lanes : s.lanes) lanes = _mm256_setzero_pd();
}

QMF_AVX2 void add_where(FloatPartials& s, const float* in, const Moves& up) {
  for (int q = 0; q < 4; ++q)
    s.lanes[q % 2] = _mm256_add_ps(
        s.lanes[q % 2], _mm256_blendv_ps(_mm256_setzero_ps(), _mm256_loadu_ps(in + 8 * q),
                                         _mm256_castsi256_ps(up.lanes[q])));
}

QMF_AVX2 void add_where(DoublePartials& s, const double* in, const Moves& up) {
  for (int q = 0; q < 4; ++q)
    for (int h = 0; h < 2; ++h) {
      __m256d& lanes = s.lanes[2 * (q % 2) + h];
      lanes = _mm256_add_pd(
          lanes, _mm256_blendv_pd(_mm256_setzero_pd(), _mm256_loadu_pd(in + 8 * q + 4 * h),
                                  widen(up.lanes[q], h)));
    }
}

// The partial sums added up as masked_dot adds them, p[k] += p[k + width]
// for widths 8, 4, 2, 1.
QMF_AVX2 float total(const FloatPartials& s) { return fold(_mm256_add_ps(s.lanes[0], s.lanes[1])); }

QMF_AVX2 double total(const DoublePartials& s) {
  return fold(
      _mm256_add_pd(_mm256_add_pd(s.lanes[0], s.lanes[2]), _mm256_add_pd(s.lanes[1], s.lanes[3])));
}

}  // namespace

template <class Scalar>
[[gnu::target("avx2")]] void add_fused_rounding_sums_avx2(
    const std::uint32_t* high, const Scalar* latent, LayerGrid g, Eigen::Index start,
    Eigen::Index m, Eigen::Index rows, std::uint64_t key, std::uint64_t base, Scalar spacing,
    const Scalar* in, bool transposed, Scalar* out) {
  const __m256i keys = avx2::splat(key), lanes = _mm256_setr_epi64x(0, 1, 2, 3);
  const std::uint64_t tie_key = mix(key ^ per_example_tie_salt);
  const auto first = static_cast<std::uint64_t>(start);
  Partials<Scalar> sums;
  clear(sums);
  for (GroupWalk at(start, m, rows); at.more(); at.next()) {
    const __m256i index =
        _mm256_add_epi64(avx2::splat(base + static_cast<std::uint64_t>(at.r / 4)), lanes);
    const Moves up = group_moves(high, latent, g, at.r, keys, index, tie_key, first);
    if (transposed) {
      add_where(sums, in + at.i, up);
      if (at.part_ends()) {
        out[at.j] += spacing * total(sums);
        clear(sums);
      }
    } else {
      add_products(out + at.i, up, spacing * in[at.j]);
    }
  }
}

template void add_fused_rounding_sums_avx2(const std::uint32_t*, const float*, LayerGrid,
                                           Eigen::Index, Eigen::Index, Eigen::Index, std::uint64_t,
                                           std::uint64_t, float, const float*, bool, float*);
template void add_fused_rounding_sums_avx2(const std::uint32_t*, const double*, LayerGrid,
                                           Eigen::Index, Eigen::Index, Eigen::Index, std::uint64_t,
                                           std::uint64_t, double, const double*, bool, double*);

}  // namespace qmf::training::rounding
