// mix64.hpp's SplitMix64 finaliser on eight 64-bit lanes, for the AVX-512
// passes of per-example rounding (training/fused_rounding_avx512.cpp,
// simulation/per_example_rows_avx512.cpp). AVX-512DQ multiplies the lanes.
#pragma once

#include <immintrin.h>

#include <cstdint>

#define QMF_MIX64_AVX512 [[gnu::target("avx512f,avx512dq"), gnu::always_inline]] inline

namespace qmf::detail {

/// `value` in every 64-bit lane.
QMF_MIX64_AVX512 __m512i splat(std::uint64_t value) {
  return _mm512_set1_epi64(static_cast<long long>(value));
}

/// mix() lane by lane.
QMF_MIX64_AVX512 __m512i mix8(__m512i x) {
  x = _mm512_add_epi64(x, splat(0x9e3779b97f4a7c15ULL));
  x = _mm512_mullo_epi64(_mm512_xor_si512(x, _mm512_srli_epi64(x, 30)),
                         splat(0xbf58476d1ce4e5b9ULL));
  x = _mm512_mullo_epi64(_mm512_xor_si512(x, _mm512_srli_epi64(x, 27)),
                         splat(0x94d049bb133111ebULL));
  return _mm512_xor_si512(x, _mm512_srli_epi64(x, 31));
}

}  // namespace qmf::detail

#undef QMF_MIX64_AVX512
