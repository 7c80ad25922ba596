// StepActivation's batch evaluation: the inner loop of the simulated layers
// and the trainer's forward pass, hence its own tuned file.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "qmf/activations/step_activation.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define QMF_STEP_AVX512 1
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_pd() as the masked-off
// source and then warn that it may be uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace qmf {

namespace {

// The thresholds between -inf and +inf: the level after u is `below` when
// padded[below] <= u < padded[below + 1]. Padded with +inf to 17 entries so
// that a lookup of up to 16 levels can read padded[0..16] whatever the count.
class PaddedThresholds {
 public:
  static constexpr std::size_t lookup_entries = 17;
  explicit PaddedThresholds(const std::vector<double>& t) : count_(t.size()) {
    double* p = on_stack_.data();
    if (count_ + 2 > on_stack_.size()) p = (on_heap_.resize(count_ + 2), on_heap_.data());
    std::fill(p, p + std::max<std::size_t>(count_ + 2, lookup_entries),
              std::numeric_limits<double>::infinity());
    p[0] = -std::numeric_limits<double>::infinity();
    std::copy(t.begin(), t.end(), p + 1);
  }
  [[nodiscard]] const double* data() const {
    return on_heap_.empty() ? on_stack_.data() : on_heap_.data();
  }
  [[nodiscard]] std::size_t count() const { return count_; }

 private:
  std::size_t count_;
  std::array<double, 258> on_stack_;  // not zeroed: a block of 256 values would pay for it
  std::vector<double> on_heap_;
};

// Equally spaced thresholds (the uniform quantizer): the count from the
// spacing, checked against the two thresholds around it and searched for only
// where rounding made it miss (2 ns instead of 4.5 for the 15 comparisons of
// quant:16).
template <class Scalar>
void spaced_values(const PaddedThresholds& padded, const std::vector<double>& t,
                   const std::vector<double>& levels, const Scalar* in, Scalar* out,
                   std::size_t n) {
  const double* p = padded.data();
  const double top = static_cast<double>(padded.count());
  const double per_spacing = (top - 1.0) / (t.back() - t.front());
  for (std::size_t i = 0; i < n; ++i) {
    const double u = in[i];
    const double x = std::min(std::max((u - t.front()) * per_spacing + 1.0, 0.0), top);
    auto below = static_cast<std::size_t>(std::isnan(x) ? 0.0 : x);
    // Off by one where rounding puts u next to a threshold (and for NaN).
    if (!(p[below] <= u && u < p[below + 1]))
      below = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), u) - t.begin());
    out[i] = static_cast<Scalar>(levels[below]);
  }
}

#ifdef QMF_STEP_AVX512
// spaced_values for at most 16 levels, 8 values at a time: the levels and both
// neighbouring thresholds are looked up by permutes within two registers each
// (0.5 ns a value instead of 2). A group of 8 with a miss is redone by
// spaced_values, so the values are the same bits. Returns how many it did.
__attribute__((target("avx512f"))) std::size_t spaced_values_avx512(
    const PaddedThresholds& padded, const std::vector<double>& t, const std::vector<double>& levels,
    const double* in, double* out, std::size_t n) {
  std::array<double, 16> level_table{};
  std::copy(levels.begin(), levels.end(), level_table.begin());
  const double* p = padded.data();
  const __m512d lower_a = _mm512_loadu_pd(p), lower_b = _mm512_loadu_pd(p + 8);
  const __m512d upper_a = _mm512_loadu_pd(p + 1), upper_b = _mm512_loadu_pd(p + 9);
  const __m512d level_a = _mm512_loadu_pd(level_table.data());
  const __m512d level_b = _mm512_loadu_pd(level_table.data() + 8);
  const double top = static_cast<double>(padded.count());
  const __m512d front = _mm512_set1_pd(t.front());
  const __m512d per_spacing = _mm512_set1_pd((top - 1.0) / (t.back() - t.front()));
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d zero = _mm512_setzero_pd();
  const __m512d top_v = _mm512_set1_pd(top);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d u = _mm512_loadu_pd(in + i);
    __m512d x = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(u, front), per_spacing), one);
    x = _mm512_min_pd(_mm512_max_pd(x, zero), top_v);  // max(NaN, 0) is 0
    const __m512i below = _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(x));
    const __mmask8 hit =
        _mm512_cmp_pd_mask(_mm512_permutex2var_pd(lower_a, below, lower_b), u, _CMP_LE_OQ) &
        _mm512_cmp_pd_mask(u, _mm512_permutex2var_pd(upper_a, below, upper_b), _CMP_LT_OQ);
    _mm512_storeu_pd(out + i, _mm512_permutex2var_pd(level_a, below, level_b));
    if (hit != 0xff) spaced_values(padded, t, levels, in + i, out + i, 8);
  }
  return i;
}

bool has_avx512() {
  static const bool supported = __builtin_cpu_supports("avx512f") != 0;
  return supported;
}
#endif

// The level after the thresholds at or below each u (as value()): by the
// spacing for equally spaced thresholds, otherwise a branch-free count for
// few thresholds and a binary search for many.
template <class Scalar>
void step_values(const std::vector<double>& t, const std::vector<double>& levels,
                 bool equally_spaced, const Scalar* in, Scalar* out, std::size_t n) {
  if (equally_spaced) {
    const PaddedThresholds padded(t);
    std::size_t done = 0;
#ifdef QMF_STEP_AVX512
    if constexpr (std::is_same_v<Scalar, double>)
      if (levels.size() <= 16 && has_avx512())
        done = spaced_values_avx512(padded, t, levels, in, out, n);
#endif
    spaced_values(padded, t, levels, in + done, out + done, n - done);
    return;
  }
  if (t.size() <= 32) {
    for (std::size_t i = 0; i < n; ++i) {
      const double u = in[i];
      std::size_t below = 0;
      for (const double threshold : t) below += u >= threshold ? 1 : 0;
      out[i] = static_cast<Scalar>(levels[below]);
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto above = std::upper_bound(t.begin(), t.end(), static_cast<double>(in[i]));
    out[i] = static_cast<Scalar>(levels[static_cast<std::size_t>(above - t.begin())]);
  }
}

}  // namespace

void StepActivation::values(const double* in, double* out, std::size_t n) const {
  step_values(thresholds_, levels_, uniform_staircase_, in, out, n);
}

void StepActivation::values(const float* in, float* out, std::size_t n) const {
  step_values(thresholds_, levels_, uniform_staircase_, in, out, n);
}

}  // namespace qmf
