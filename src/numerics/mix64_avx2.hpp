// mix64.hpp's SplitMix64 finaliser on four 64-bit lanes, for the passes
// written by hand for AVX2 (training/avx2_hash.hpp's users,
// simulation/per_example_rows_avx2.cpp): the same bits as mix() lane by lane.
// AVX2 has no 64-bit multiply: each 64-bit product takes two 32-bit ones.
#pragma once

#include <immintrin.h>

#include <cstdint>

// Inlined into functions compiled for AVX2 only.
#define QMF_MIX64_AVX2 [[gnu::target("avx2"), gnu::always_inline]] inline

namespace qmf::detail::avx2 {

/// `value` in every 64-bit lane.
QMF_MIX64_AVX2 __m256i splat(std::uint64_t value) {
  return _mm256_set1_epi64x(static_cast<long long>(value));
}

/// x c mod 2^64, lane by lane: x_low c_low in full (vpmuludq) plus the cross
/// terms x_high c_low + x_low c_high, of which only the low 32 bits count,
/// both from one 32-bit multiply (vpmulld) by c with its halves swapped.
/// Two multiplies instead of three vpmuludq: ~10 % less time per hash on
/// this Zen core (the same bits, docs/benchmarks.md).
QMF_MIX64_AVX2 __m256i multiply(__m256i x, std::uint64_t c) {
  const __m256i cross = _mm256_mullo_epi32(x, splat((c >> 32) | (c << 32)));
  // The two cross terms summed into the high half, the low half zero.
  const __m256i shifted = _mm256_add_epi64(
      _mm256_slli_epi64(cross, 32), _mm256_blend_epi32(_mm256_setzero_si256(), cross, 0b10101010));
  return _mm256_add_epi64(_mm256_mul_epu32(x, splat(c)), shifted);
}

/// mix() lane by lane.
QMF_MIX64_AVX2 __m256i mix(__m256i x) {
  x = _mm256_add_epi64(x, splat(0x9e3779b97f4a7c15ULL));
  x = multiply(_mm256_xor_si256(x, _mm256_srli_epi64(x, 30)), 0xbf58476d1ce4e5b9ULL);
  x = multiply(_mm256_xor_si256(x, _mm256_srli_epi64(x, 27)), 0x94d049bb133111ebULL);
  return _mm256_xor_si256(x, _mm256_srli_epi64(x, 31));
}

}  // namespace qmf::detail::avx2

#undef QMF_MIX64_AVX2
