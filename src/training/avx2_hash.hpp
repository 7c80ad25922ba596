// Pieces of the copies written by hand for AVX2 (stochastic_rounding_avx2.cpp,
// per_example_draws_avx2.cpp): rounding_bits.hpp's SplitMix64 mix() on four
// 64-bit lanes (the same bits as mix() lane by lane), LayerGrid::position on
// four weights, and four weights loaded as and stored from doubles.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "training/rounding_bits.hpp"

// Inlined into functions compiled for AVX2 only.
#define QMF_AVX2 [[gnu::target("avx2"), gnu::always_inline]] inline

namespace qmf::training::rounding::avx2 {

QMF_AVX2 __m256i splat(std::uint64_t value) {
  return _mm256_set1_epi64x(static_cast<long long>(value));
}

// x c mod 2^64, lane by lane: AVX2 multiplies 32-bit halves only.
QMF_AVX2 __m256i multiply(__m256i x, std::uint64_t c) {
  const __m256i low = splat(c), high = splat(c >> 32);
  const __m256i cross =
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), low), _mm256_mul_epu32(x, high));
  return _mm256_add_epi64(_mm256_mul_epu32(x, low), _mm256_slli_epi64(cross, 32));
}

QMF_AVX2 __m256i mix(__m256i x) {
  x = _mm256_add_epi64(x, splat(0x9e3779b97f4a7c15ULL));
  x = multiply(_mm256_xor_si256(x, _mm256_srli_epi64(x, 30)), 0xbf58476d1ce4e5b9ULL);
  x = multiply(_mm256_xor_si256(x, _mm256_srli_epi64(x, 27)), 0x94d049bb133111ebULL);
  return _mm256_xor_si256(x, _mm256_srli_epi64(x, 31));
}

// LayerGrid::position: std::max(x, 0.0) and std::min(x, cells), NaN passed
// through as they do.
QMF_AVX2 __m256d position(__m256d w, const LayerGrid& g) {
  const __m256d x =
      _mm256_add_pd(_mm256_mul_pd(w, _mm256_set1_pd(g.scale)), _mm256_set1_pd(g.offset));
  return _mm256_min_pd(_mm256_set1_pd(g.cells), _mm256_max_pd(_mm256_setzero_pd(), x));
}

QMF_AVX2 __m256d load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
QMF_AVX2 __m256d load4(const double* p) { return _mm256_loadu_pd(p); }
QMF_AVX2 void store4(float* p, __m256d x) { _mm_storeu_ps(p, _mm256_cvtpd_ps(x)); }
QMF_AVX2 void store4(double* p, __m256d x) { _mm256_storeu_pd(p, x); }

}  // namespace qmf::training::rounding::avx2
