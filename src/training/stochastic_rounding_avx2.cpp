// The AVX2 copy of stochastic rounding, written with 32-byte vectors: four
// hashes, eight weights per step. GCC's vectorisation of the generic loop
// (weight_quantizer.cpp) took eight hashes per step, hash and rounding in one
// long dependent chain, constants spilled to the stack: 1.1 ns per weight
// against 0.46 for the AVX-512 copy. Here 128 hashes at a time are made
// first (in L1) and rounded from there, so each loop's chain is short and the
// out-of-order core overlaps its steps; the level below is a floor (one
// rounding instruction) instead of two conversions. The operations are those
// of LayerGrid::stochastic in the same order (tests/training/
// test_weight_quantizer.cpp checks the bits).
#include "training/stochastic_rounding_avx2.hpp"

#include <algorithm>

#include "qmf/training/weight_quantizer.hpp"
#include "training/avx2_hash.hpp"

namespace qmf::training::rounding {

namespace {

struct Grid {
  __m256d start, step, one;
};

QMF_AVX2 __m256d round4(__m256d w, __m256i bits, const LayerGrid& lg, const Grid& g) {
  const __m256d t = avx2::position(w, lg);
  // floor(t) is the int conversion for 0 <= t < 2^31; a NaN becomes what that
  // conversion gives, -2^31.
  const __m256d below = _mm256_blendv_pd(_mm256_floor_pd(t), _mm256_set1_pd(-0x1p31),
                                         _mm256_cmp_pd(t, t, _CMP_UNORD_Q));
  const __m256d u =
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(bits, _mm256_castpd_si256(g.one))), g.one);
  const __m256d up = _mm256_and_pd(_mm256_cmp_pd(u, _mm256_sub_pd(t, below), _CMP_LT_OQ), g.one);
  return _mm256_add_pd(g.start, _mm256_mul_pd(g.step, _mm256_add_pd(below, up)));
}

}  // namespace

template <class Scalar>
[[gnu::target("avx2")]] void round_stochastic_block_avx2(const Scalar* latent, Scalar* out,
                                                         Eigen::Index m, std::uint64_t key,
                                                         std::uint64_t base, LayerGrid g) {
  const Eigen::Index half = m / 2;
  const Eigen::Index whole = half / 4 * 4;
  // mix(key ^ (base + r)) for r < whole, four at a time, `chunk` at a time
  // (1 KB: the optimiser's chunk of gradient, latent and quantized weights
  // shares L1 with them).
  constexpr Eigen::Index chunk = 128;
  alignas(32) std::uint64_t hashes[chunk];
  const __m256i k = avx2::splat(key), four = avx2::splat(4);
  const Grid grid{_mm256_set1_pd(g.start), _mm256_set1_pd(g.step), _mm256_set1_pd(1.0)};
  const __m256i mantissa = avx2::splat(0x000ffffffff00000ULL);
  __m256i index = _mm256_add_epi64(avx2::splat(base), _mm256_setr_epi64x(0, 1, 2, 3));
  for (Eigen::Index from = 0; from < whole; from += chunk) {
    const Eigen::Index count = std::min(chunk, whole - from);
    for (Eigen::Index c = 0; c < count; c += 4) {
      const __m256i x = avx2::mix(_mm256_xor_si256(k, index));
      index = _mm256_add_epi64(index, four);
      _mm256_store_si256(reinterpret_cast<__m256i*>(hashes + c), x);
    }
    // Low halves to weights r, high halves to weights half + r.
    for (Eigen::Index c = 0; c < count; c += 4) {
      const Eigen::Index r = from + c;
      const __m256i x = _mm256_load_si256(reinterpret_cast<const __m256i*>(hashes + c));
      avx2::store4(out + r, round4(avx2::load4(latent + r),
                                   _mm256_and_si256(_mm256_slli_epi64(x, 20), mantissa), g, grid));
      avx2::store4(out + half + r,
                   round4(avx2::load4(latent + half + r),
                          _mm256_and_si256(_mm256_srli_epi64(x, 12), mantissa), g, grid));
    }
  }
  round_stochastic_pairs(latent, out, m, whole, key, base, g);
}

bool runs_avx2_rounding() {
#if defined(QMF_QAT_BASELINE_ONLY)
  return false;
#else
  __builtin_cpu_init();
#if defined(QMF_NO_AVX512)
  static const bool runs = __builtin_cpu_supports("avx2") != 0;
#else
  static const bool runs =
      __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("x86-64-v4") == 0;
#endif
  return runs;
#endif
}

template void round_stochastic_block_avx2(const float*, float*, Eigen::Index, std::uint64_t,
                                          std::uint64_t, LayerGrid);
template void round_stochastic_block_avx2(const double*, double*, Eigen::Index, std::uint64_t,
                                          std::uint64_t, LayerGrid);

}  // namespace qmf::training::rounding
