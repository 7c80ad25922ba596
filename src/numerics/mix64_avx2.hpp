// mix64.hpp's SplitMix64 finaliser on four 64-bit lanes, for the passes
// written by hand for AVX2 (training/avx2_hash.hpp's users,
// simulation/per_example_rows_avx2.cpp): the same bits as mix() lane by lane.
// AVX2 multiplies 32-bit halves only, so each 64-bit product takes three.
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

/// x c mod 2^64, lane by lane.
QMF_MIX64_AVX2 __m256i multiply(__m256i x, std::uint64_t c) {
  const __m256i low = splat(c), high = splat(c >> 32);
  const __m256i cross =
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), low), _mm256_mul_epu32(x, high));
  return _mm256_add_epi64(_mm256_mul_epu32(x, low), _mm256_slli_epi64(cross, 32));
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
