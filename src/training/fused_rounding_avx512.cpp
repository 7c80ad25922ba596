// The fused pass of per-example rounding for AVX-512. A group of 32 weights
// takes eight hashes (one 512-bit vector, read as sixteen 32-bit words, the
// layout of per_example_rounding.cpp); its moves are two 16-bit compare masks,
// which select the lanes of the additions. Forward: column j's 32 outputs
// gain spacing in[j] where the move is up. Transposed: 16 partial sums of
// in[i] where up, lane k taking the rows k mod 16 of the column's part in
// the block, then added up in masked_dot's tree order. A move down adds
// nothing, where add_masked_sums adds 0 x: the same bits unless x is infinite
// or NaN (there NaN; the pass's L x part carries such a value either way), or
// a forward output is exactly -0 and 0 x is +0 (add_masked_sums gives +0,
// this pass keeps -0; the AVX2 pass adds 0 x and matches). Either sign of
// zero is the same sum.
#include "training/fused_rounding_avx512.hpp"

#include <immintrin.h>

#include <type_traits>

#include "numerics/mix64_avx512.hpp"
#include "training/fused_rounding.hpp"
#include "training/rounding_bits.hpp"

// Inlined into the one function compiled for AVX-512 below.
#define QMF_AVX512_TARGET gnu::target("avx512f,avx512dq,avx512bw,avx512vl")
#define QMF_AVX512 [[QMF_AVX512_TARGET, gnu::always_inline]] inline

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the masked-off
// source and then may warn that it is uninitialised (here since the walk and
// the ties' rule are shared with the AVX2 pass, which changed the inlining).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace qmf::training::rounding {

namespace {

using detail::mix8;
using detail::splat;

// Bit l: whether weight r + l of the block moves up.
template <class Scalar>
QMF_AVX512 std::uint32_t group_moves(const std::uint32_t* high, const Scalar* latent,
                                     const LayerGrid& g, Eigen::Index r, __m512i hashes,
                                     std::uint64_t tie_key, std::uint64_t start) {
  const __m512i first = _mm512_and_si512(hashes, _mm512_set1_epi32(0xffff));
  const __m512i second = _mm512_srli_epi32(hashes, 16);
  const __m512i limit_first = _mm512_loadu_si512(high + r);
  const __m512i limit_second = _mm512_loadu_si512(high + r + 16);
  const std::uint32_t moves =
      _mm512_cmplt_epu32_mask(first, limit_first) |
      static_cast<std::uint32_t>(_mm512_cmplt_epu32_mask(second, limit_second)) << 16;
  const std::uint32_t ties =
      _mm512_cmpeq_epu32_mask(first, limit_first) |
      static_cast<std::uint32_t>(_mm512_cmpeq_epu32_mask(second, limit_second)) << 16;
  if (ties != 0) [[unlikely]]
    return resolve_group_ties(moves, ties, latent, g, r, tie_key, start);
  return moves;
}

// p[0, 16) += a where bit k of `moves` is set.
QMF_AVX512 void add_where(float* p, std::uint32_t moves, float a) {
  const __m512 x = _mm512_loadu_ps(p);
  _mm512_storeu_ps(p, _mm512_mask_add_ps(x, static_cast<__mmask16>(moves), x, _mm512_set1_ps(a)));
}

QMF_AVX512 void add_where(double* p, std::uint32_t moves, double a) {
  for (int h = 0; h < 2; ++h) {
    const __m512d x = _mm512_loadu_pd(p + 8 * h);
    _mm512_storeu_pd(p + 8 * h, _mm512_mask_add_pd(x, static_cast<__mmask8>(moves >> 8 * h), x,
                                                   _mm512_set1_pd(a)));
  }
}

// Sixteen partial sums, lane k gaining in[k] where bit k of `moves` is set.
struct FloatPartials {
  __m512 lanes;
};
struct DoublePartials {
  __m512d lanes[2];
};
template <class Scalar>
using Partials = std::conditional_t<std::is_same_v<Scalar, float>, FloatPartials, DoublePartials>;

QMF_AVX512 void clear(FloatPartials& s) { s.lanes = _mm512_setzero_ps(); }
QMF_AVX512 void clear(DoublePartials& s) { s.lanes[0] = s.lanes[1] = _mm512_setzero_pd(); }

QMF_AVX512 void add_where(FloatPartials& s, const float* in, std::uint32_t moves) {
  s.lanes =
      _mm512_mask_add_ps(s.lanes, static_cast<__mmask16>(moves), s.lanes, _mm512_loadu_ps(in));
}

QMF_AVX512 void add_where(DoublePartials& s, const double* in, std::uint32_t moves) {
  for (int h = 0; h < 2; ++h)
    s.lanes[h] = _mm512_mask_add_pd(s.lanes[h], static_cast<__mmask8>(moves >> 8 * h), s.lanes[h],
                                    _mm512_loadu_pd(in + 8 * h));
}

// The partial sums added up as masked_dot adds them, p[k] += p[k + width]
// for widths 8, 4, 2, 1: the upper half of the lanes onto the lower half.
QMF_AVX512 float total(const FloatPartials& s) {
  return fold(
      _mm256_add_ps(_mm512_castps512_ps256(s.lanes),
                    _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(s.lanes), 1))));
}

QMF_AVX512 double total(const DoublePartials& s) {
  const __m512d eight = _mm512_add_pd(s.lanes[0], s.lanes[1]);
  return fold(_mm256_add_pd(_mm512_castpd512_pd256(eight), _mm512_extractf64x4_pd(eight, 1)));
}

}  // namespace

bool runs_avx512_rounding() {
#if defined(QMF_QAT_BASELINE_ONLY) || defined(QMF_NO_AVX512)
  return false;
#else
  __builtin_cpu_init();
  static const bool runs = __builtin_cpu_supports("x86-64-v4") != 0;
  return runs;
#endif
}

template <class Scalar>
[[QMF_AVX512_TARGET]] void add_fused_rounding_sums_avx512(
    const std::uint32_t* high, const Scalar* latent, LayerGrid g, Eigen::Index start,
    Eigen::Index m, Eigen::Index rows, std::uint64_t key, std::uint64_t base, Scalar spacing,
    const Scalar* in, bool transposed, Scalar* out) {
  const __m512i keys = splat(key), lanes = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  const std::uint64_t tie_key = mix(key ^ per_example_tie_salt);
  const auto first = static_cast<std::uint64_t>(start);
  Partials<Scalar> sums;
  clear(sums);
  for (GroupWalk at(start, m, rows); at.more(); at.next()) {
    const __m512i index =
        _mm512_add_epi64(splat(base + static_cast<std::uint64_t>(at.r / 4)), lanes);
    const std::uint32_t moves =
        group_moves(high, latent, g, at.r, mix8(_mm512_xor_si512(keys, index)), tie_key, first);
    if (transposed) {
      add_where(sums, in + at.i, moves & 0xffffu);
      add_where(sums, in + at.i + 16, moves >> 16);
      if (at.part_ends()) {
        out[at.j] += spacing * total(sums);
        clear(sums);
      }
    } else {
      const Scalar a = spacing * in[at.j];
      add_where(out + at.i, moves & 0xffffu, a);
      add_where(out + at.i + 16, moves >> 16, a);
    }
  }
}

template void add_fused_rounding_sums_avx512(const std::uint32_t*, const float*, LayerGrid,
                                             Eigen::Index, Eigen::Index, Eigen::Index,
                                             std::uint64_t, std::uint64_t, float, const float*,
                                             bool, float*);
template void add_fused_rounding_sums_avx512(const std::uint32_t*, const double*, LayerGrid,
                                             Eigen::Index, Eigen::Index, Eigen::Index,
                                             std::uint64_t, std::uint64_t, double, const double*,
                                             bool, double*);

}  // namespace qmf::training::rounding
