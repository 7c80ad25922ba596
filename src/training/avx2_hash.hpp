// Pieces of the copies written by hand for AVX2 (stochastic_rounding_avx2.cpp,
// per_example_draws_avx2.cpp): the SplitMix64 hash on four 64-bit lanes
// (numerics/mix64_avx2.hpp), LayerGrid::position on four weights, and four
// weights loaded as and stored from doubles.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "numerics/mix64_avx2.hpp"
#include "training/rounding_bits.hpp"

// Inlined into functions compiled for AVX2 only.
#define QMF_AVX2 [[gnu::target("avx2"), gnu::always_inline]] inline

namespace qmf::training::rounding::avx2 {

using ::qmf::detail::avx2::mix;
using ::qmf::detail::avx2::splat;

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
