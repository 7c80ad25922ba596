// The AVX2 copy of per-example rounding's draws, with 32-byte vectors: a
// group of 32 weights takes eight hashes, two vectors of four, read as two
// vectors of eight 32-bit words (words 0-7 and 8-15 of the layout in
// per_example_rounding.cpp); weight l < 16 compares the low 16 bits of word l,
// weight 16 + l its high 16 bits, with the threshold high[] as unsigned
// integers (the same comparisons, so the same moves; tests/training/
// test_per_example.cpp checks them in a build that runs this copy).
#include "training/per_example_draws_avx2.hpp"

#include "training/avx2_hash.hpp"

namespace qmf::training::rounding {

[[gnu::target("avx2")]] bool draw_up_moves_avx2(const std::uint32_t* high, float* up,
                                                Eigen::Index m, std::uint64_t key,
                                                std::uint64_t base) {
  const __m256i k = avx2::splat(key), lanes = _mm256_setr_epi64x(0, 1, 2, 3);
  const __m256i four = avx2::splat(4), low16 = _mm256_set1_epi32(0xffff);
  const __m256i one = _mm256_set1_epi32(0x3f800000);  // the bits of 1.0f
  __m256i ties = _mm256_setzero_si256();
  for (Eigen::Index r = 0; r < m; r += 32) {
    const __m256i first =
        _mm256_add_epi64(avx2::splat(base + static_cast<std::uint64_t>(r / 4)), lanes);
    const __m256i words[2] = {avx2::mix(_mm256_xor_si256(k, first)),
                              avx2::mix(_mm256_xor_si256(k, _mm256_add_epi64(first, four)))};
    for (int h = 0; h < 2; ++h)
      for (int q = 0; q < 2; ++q) {
        const __m256i u =
            h == 0 ? _mm256_and_si256(words[q], low16) : _mm256_srli_epi32(words[q], 16);
        const Eigen::Index at = r + 16 * h + 8 * q;
        const __m256i limit = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(high + at));
        ties = _mm256_or_si256(ties, _mm256_cmpeq_epi32(u, limit));
        // u >= limit as unsigned integers: max(u, limit) == u.
        const __m256i not_below = _mm256_cmpeq_epi32(_mm256_max_epu32(u, limit), u);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(up + at),
                            _mm256_andnot_si256(not_below, one));
      }
  }
  return _mm256_testz_si256(ties, ties) == 0;
}

// f = fraction(w) 2^16, high = int(floor(f)): threshold_top()'s operations
// (whole() is floor for the t >= 0 here, NaN included).
template <class Scalar>
[[gnu::target("avx2")]] Eigen::Index thresholds_avx2(const Scalar* latent, std::uint32_t* high,
                                                     Eigen::Index m, LayerGrid g) {
  const Eigen::Index n = m / 4 * 4;
  for (Eigen::Index r = 0; r < n; r += 4) {
    const __m256d t = avx2::position(avx2::load4(latent + r), g);
    const __m256d f = _mm256_mul_pd(_mm256_sub_pd(t, _mm256_floor_pd(t)), _mm256_set1_pd(0x1p16));
    const __m256d top = _mm256_floor_pd(f);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(high + r), _mm256_cvttpd_epi32(top));
  }
  return n;
}

template <class Scalar>
[[gnu::target("avx2")]] Eigen::Index round_down_avx2(const Scalar* latent, Scalar* out,
                                                     Eigen::Index count, LayerGrid g) {
  const Eigen::Index n = count / 4 * 4;
  const __m256d start = _mm256_set1_pd(g.start), step = _mm256_set1_pd(g.step);
  for (Eigen::Index i = 0; i < n; i += 4) {
    const __m256d t = avx2::position(avx2::load4(latent + i), g);
    avx2::store4(out + i, _mm256_add_pd(start, _mm256_mul_pd(step, _mm256_floor_pd(t))));
  }
  return n;
}

#define QMF_PER_EXAMPLE_AVX2_INSTANCES(Scalar)                                                   \
  template Eigen::Index thresholds_avx2(const Scalar*, std::uint32_t*, Eigen::Index, LayerGrid); \
  template Eigen::Index round_down_avx2(const Scalar*, Scalar*, Eigen::Index, LayerGrid);
QMF_PER_EXAMPLE_AVX2_INSTANCES(float)
QMF_PER_EXAMPLE_AVX2_INSTANCES(double)

}  // namespace qmf::training::rounding
