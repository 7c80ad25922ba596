#include "simulation/per_example_rows_avx512.hpp"

#include <immintrin.h>

#include "numerics/mix64_avx512.hpp"

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the masked-off
// source and then may warn that it is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define QMF_ROWS_AVX512_TARGET gnu::target("avx512f,avx512dq")
#define QMF_ROWS_AVX512 [[QMF_ROWS_AVX512_TARGET, gnu::always_inline]] inline

namespace qmf::simulation {

namespace {

using detail::mix8;
using detail::splat;

// The grid's constants in every lane, and the hash indices of the next group.
struct Groups {
  __m512d lowest, inverse_spacing, steps, spacing;
  __m512i keys, indices;
};

QMF_ROWS_AVX512 Groups groups_of(const WeightRounding& rounding, std::uint64_t key,
                                 std::uint64_t index) {
  return {_mm512_set1_pd(rounding.lowest()),
          _mm512_set1_pd(rounding.inverse_spacing()),
          _mm512_set1_pd(static_cast<double>(rounding.steps())),
          _mm512_set1_pd(rounding.spacing()),
          splat(key),
          _mm512_add_epi64(splat(index), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7))};
}

struct Pair {
  __m512d first, second;
};

// The weights both inputs see at latent[0, 8); moves g to the next group.
QMF_ROWS_AVX512 Pair next_pair(Groups& g, const double* latent) {
  const __m512d two_52 = _mm512_set1_pd(0x1.0p52);
  // position(): the same operations, max(t, 0) as vmaxpd (+0 for t = -0,
  // as (t + |t|) / 2 gives).
  __m512d t = _mm512_mul_pd(_mm512_sub_pd(_mm512_loadu_pd(latent), g.lowest), g.inverse_spacing);
  t = _mm512_min_pd(_mm512_max_pd(t, _mm512_setzero_pd()), g.steps);
  const __m512d whole = _mm512_roundscale_pd(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  // round(f 2^32) from 2^52 + f 2^32, a single rounding (f 2^32 is exact).
  const __m512i threshold =
      _mm512_sub_epi64(_mm512_castpd_si512(_mm512_fmadd_pd(_mm512_sub_pd(t, whole),
                                                           _mm512_set1_pd(0x1.0p32), two_52)),
                       _mm512_castpd_si512(two_52));
  const __m512d lower = _mm512_add_pd(g.lowest, _mm512_mul_pd(g.spacing, whole));  // level()
  const __m512d upper = _mm512_add_pd(lower, g.spacing);
  const __m512i bits = mix8(_mm512_xor_si512(g.keys, g.indices));
  g.indices = _mm512_add_epi64(g.indices, splat(8));
  const __mmask8 up_first =
      _mm512_cmplt_epi64_mask(_mm512_and_si512(bits, splat(0xffffffffULL)), threshold);
  const __mmask8 up_second = _mm512_cmplt_epi64_mask(_mm512_srli_epi64(bits, 32), threshold);
  return {_mm512_mask_blend_pd(up_first, lower, upper),
          _mm512_mask_blend_pd(up_second, lower, upper)};
}

// acc + w x, multiplied and added apart as the portable loop does (no FMA).
QMF_ROWS_AVX512 __m512d add_product(__m512d acc, __m512d w, const double* x) {
  return _mm512_add_pd(acc, _mm512_mul_pd(w, _mm512_loadu_pd(x)));
}

}  // namespace

// -DQMF_NO_AVX512: never (per_example_rows.cpp).
bool runs_avx512_rows() {
#if defined(QMF_NO_AVX512)
  return false;
#else
  __builtin_cpu_init();
  static const bool runs = __builtin_cpu_supports("x86-64-v4") != 0;
  return runs;
#endif
}

[[QMF_ROWS_AVX512_TARGET]] void round_pair_avx512(const WeightRounding& rounding,
                                                  const double* latent, long count,
                                                  std::uint64_t key, std::uint64_t index,
                                                  double* first, double* second) {
  Groups g = groups_of(rounding, key, index);
  for (long j = 0; j < count; j += 8) {
    const Pair w = next_pair(g, latent + j);
    _mm512_storeu_pd(first + j, w.first);
    _mm512_storeu_pd(second + j, w.second);
  }
}

[[QMF_ROWS_AVX512_TARGET]] void dot_pair_avx512(const WeightRounding& rounding,
                                                const double* latent, long count, std::uint64_t key,
                                                std::uint64_t index, const double* x_first,
                                                const double* x_second, double* lanes_first,
                                                double* lanes_second) {
  Groups g = groups_of(rounding, key, index);
  __m512d first = _mm512_loadu_pd(lanes_first);
  __m512d second = _mm512_loadu_pd(lanes_second);
  for (long j = 0; j < count; j += 8) {
    const Pair w = next_pair(g, latent + j);
    first = add_product(first, w.first, x_first + j);
    second = add_product(second, w.second, x_second + j);
  }
  _mm512_storeu_pd(lanes_first, first);
  _mm512_storeu_pd(lanes_second, second);
}

[[QMF_ROWS_AVX512_TARGET]] void add_pair_avx512(const WeightRounding& rounding,
                                                const double* latent, long count, std::uint64_t key,
                                                std::uint64_t index, double scale_first,
                                                double scale_second, double* out_first,
                                                double* out_second) {
  Groups g = groups_of(rounding, key, index);
  const __m512d a = _mm512_set1_pd(scale_first);
  const __m512d b = _mm512_set1_pd(scale_second);
  for (long j = 0; j < count; j += 8) {
    const Pair w = next_pair(g, latent + j);
    _mm512_storeu_pd(out_first + j,
                     _mm512_add_pd(_mm512_loadu_pd(out_first + j), _mm512_mul_pd(a, w.first)));
    _mm512_storeu_pd(out_second + j,
                     _mm512_add_pd(_mm512_loadu_pd(out_second + j), _mm512_mul_pd(b, w.second)));
  }
}

}  // namespace qmf::simulation
