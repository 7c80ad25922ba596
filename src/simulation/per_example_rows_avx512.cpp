#include "simulation/per_example_rows_avx512.hpp"

#include <immintrin.h>

#include "numerics/mix64_avx512.hpp"

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the masked-off
// source and then may warn that it is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace qmf::simulation {

using detail::mix8;
using detail::splat;

bool runs_avx512_rows() {
  __builtin_cpu_init();
  static const bool runs = __builtin_cpu_supports("x86-64-v4") != 0;
  return runs;
}

[[gnu::target("avx512f,avx512dq")]] void round_pair_avx512(const WeightRounding& rounding,
                                                           const double* latent, long count,
                                                           std::uint64_t key, std::uint64_t index,
                                                           double* first, double* second) {
  const __m512d lowest = _mm512_set1_pd(rounding.lowest());
  const __m512d inverse_spacing = _mm512_set1_pd(rounding.inverse_spacing());
  const __m512d steps = _mm512_set1_pd(static_cast<double>(rounding.steps()));
  const __m512d spacing = _mm512_set1_pd(rounding.spacing());
  const __m512d two_32 = _mm512_set1_pd(0x1.0p32);
  const __m512d two_52 = _mm512_set1_pd(0x1.0p52);
  const __m512i two_52_bits = _mm512_castpd_si512(two_52);
  const __m512i low_half = splat(0xffffffffULL);
  const __m512i keys = splat(key);
  __m512i indices = _mm512_add_epi64(splat(index), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
  for (long j = 0; j < count; j += 8) {
    // position(): the same operations, max(t, 0) as vmaxpd (+0 for t = -0,
    // as (t + |t|) / 2 gives).
    __m512d t = _mm512_mul_pd(_mm512_sub_pd(_mm512_loadu_pd(latent + j), lowest), inverse_spacing);
    t = _mm512_min_pd(_mm512_max_pd(t, _mm512_setzero_pd()), steps);
    const __m512d whole = _mm512_roundscale_pd(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    // round(f 2^32) from 2^52 + f 2^32, a single rounding (f 2^32 is exact).
    const __m512i threshold = _mm512_sub_epi64(
        _mm512_castpd_si512(_mm512_fmadd_pd(_mm512_sub_pd(t, whole), two_32, two_52)), two_52_bits);
    const __m512d lower = _mm512_add_pd(lowest, _mm512_mul_pd(spacing, whole));  // level()
    const __m512d upper = _mm512_add_pd(lower, spacing);
    const __m512i bits = mix8(_mm512_xor_si512(keys, indices));
    indices = _mm512_add_epi64(indices, splat(8));
    const __mmask8 up_first = _mm512_cmplt_epi64_mask(_mm512_and_si512(bits, low_half), threshold);
    const __mmask8 up_second = _mm512_cmplt_epi64_mask(_mm512_srli_epi64(bits, 32), threshold);
    _mm512_storeu_pd(first + j, _mm512_mask_blend_pd(up_first, lower, upper));
    _mm512_storeu_pd(second + j, _mm512_mask_blend_pd(up_second, lower, upper));
  }
}

}  // namespace qmf::simulation
