#include "simulation/per_example_rows_avx2.hpp"

#include <immintrin.h>

#include "numerics/mix64_avx2.hpp"

#define QMF_ROWS_AVX2 [[QMF_ROWS_AVX2_TARGET, gnu::always_inline]] inline

namespace qmf::simulation {

namespace {

using detail::avx2::mix;
using detail::avx2::splat;

// The grid's constants in every lane, and the hash indices of the next four
// weights.
struct Quads {
  __m256d lowest, inverse_spacing, steps, spacing;
  __m256i keys, indices;
};

QMF_ROWS_AVX2 Quads quads_of(const WeightRounding& rounding, std::uint64_t key,
                             std::uint64_t index) {
  return {_mm256_set1_pd(rounding.lowest()),
          _mm256_set1_pd(rounding.inverse_spacing()),
          _mm256_set1_pd(static_cast<double>(rounding.steps())),
          _mm256_set1_pd(rounding.spacing()),
          splat(key),
          _mm256_add_epi64(splat(index), _mm256_setr_epi64x(0, 1, 2, 3))};
}

struct Pair {
  __m256d first, second;
};

// The weights both inputs see at latent[0, 4); moves q to the next four. The
// operations of the AVX-512 copy's next_pair, lane for lane.
QMF_ROWS_AVX2 Pair next_pair(Quads& q, const double* latent) {
  const __m256d two_52 = _mm256_set1_pd(0x1.0p52);
  __m256d t = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(latent), q.lowest), q.inverse_spacing);
  t = _mm256_min_pd(_mm256_max_pd(t, _mm256_setzero_pd()), q.steps);
  const __m256d whole = _mm256_round_pd(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  // round(f 2^32) from 2^52 + f 2^32, a single rounding (f 2^32 is exact).
  const __m256i threshold =
      _mm256_sub_epi64(_mm256_castpd_si256(_mm256_fmadd_pd(_mm256_sub_pd(t, whole),
                                                           _mm256_set1_pd(0x1.0p32), two_52)),
                       _mm256_castpd_si256(two_52));
  const __m256d lower = _mm256_add_pd(q.lowest, _mm256_mul_pd(q.spacing, whole));  // level()
  const __m256d upper = _mm256_add_pd(lower, q.spacing);
  const __m256i bits = mix(_mm256_xor_si256(q.keys, q.indices));
  q.indices = _mm256_add_epi64(q.indices, splat(4));
  // Both sides of each comparison are in [0, 2^32]: signed 64-bit is exact.
  const __m256i up_first =
      _mm256_cmpgt_epi64(threshold, _mm256_and_si256(bits, splat(0xffffffffULL)));
  const __m256i up_second = _mm256_cmpgt_epi64(threshold, _mm256_srli_epi64(bits, 32));
  return {_mm256_blendv_pd(lower, upper, _mm256_castsi256_pd(up_first)),
          _mm256_blendv_pd(lower, upper, _mm256_castsi256_pd(up_second))};
}

// acc + w x, multiplied and added apart as the portable loop does (no FMA).
QMF_ROWS_AVX2 __m256d add_product(__m256d acc, __m256d w, const double* x) {
  return _mm256_add_pd(acc, _mm256_mul_pd(w, _mm256_loadu_pd(x)));
}

// out + scale w, the same way.
QMF_ROWS_AVX2 void add_scaled(double* out, __m256d scale, __m256d w) {
  _mm256_storeu_pd(out, _mm256_add_pd(_mm256_loadu_pd(out), _mm256_mul_pd(scale, w)));
}

}  // namespace

bool runs_avx2_rows() {
  __builtin_cpu_init();
  static const bool runs =
      __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
  return runs;
}

[[QMF_ROWS_AVX2_TARGET]] void round_pair_avx2(const WeightRounding& rounding, const double* latent,
                                              long count, std::uint64_t key, std::uint64_t index,
                                              double* first, double* second) {
  Quads q = quads_of(rounding, key, index);
  for (long j = 0; j < count; j += 4) {
    const Pair w = next_pair(q, latent + j);
    _mm256_storeu_pd(first + j, w.first);
    _mm256_storeu_pd(second + j, w.second);
  }
}

// The sums by j mod 8 as two vectors of four lanes: j mod 8 < 4 and >= 4.
[[QMF_ROWS_AVX2_TARGET]] void dot_pair_avx2(const WeightRounding& rounding, const double* latent,
                                            long count, std::uint64_t key, std::uint64_t index,
                                            const double* x_first, const double* x_second,
                                            double* lanes_first, double* lanes_second) {
  Quads q = quads_of(rounding, key, index);
  __m256d first_low = _mm256_loadu_pd(lanes_first), first_high = _mm256_loadu_pd(lanes_first + 4);
  __m256d second_low = _mm256_loadu_pd(lanes_second);
  __m256d second_high = _mm256_loadu_pd(lanes_second + 4);
  for (long j = 0; j < count; j += 8) {
    const Pair low = next_pair(q, latent + j);
    const Pair high = next_pair(q, latent + j + 4);
    first_low = add_product(first_low, low.first, x_first + j);
    first_high = add_product(first_high, high.first, x_first + j + 4);
    second_low = add_product(second_low, low.second, x_second + j);
    second_high = add_product(second_high, high.second, x_second + j + 4);
  }
  _mm256_storeu_pd(lanes_first, first_low);
  _mm256_storeu_pd(lanes_first + 4, first_high);
  _mm256_storeu_pd(lanes_second, second_low);
  _mm256_storeu_pd(lanes_second + 4, second_high);
}

[[QMF_ROWS_AVX2_TARGET]] void add_pair_avx2(const WeightRounding& rounding, const double* latent,
                                            long count, std::uint64_t key, std::uint64_t index,
                                            double scale_first, double scale_second,
                                            double* out_first, double* out_second) {
  Quads q = quads_of(rounding, key, index);
  const __m256d a = _mm256_set1_pd(scale_first);
  const __m256d b = _mm256_set1_pd(scale_second);
  for (long j = 0; j < count; j += 4) {
    const Pair w = next_pair(q, latent + j);
    add_scaled(out_first + j, a, w.first);
    add_scaled(out_second + j, b, w.second);
  }
}

}  // namespace qmf::simulation
