// Drawing per-example rounding patterns from the sampler's tables
// (pattern_sampler_tables.cpp): the alias table for most weights, the slow
// draws one weight at a time.
#include "weights/pattern_sampler.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "qmf/numerics/gaussian.hpp"

namespace qmf {

long RoundingPatternSampler::words(long count) const {
  switch (draw_) {
    case Draw::whole:
      return (count + 1) / 2;
    case Draw::narrow:
      return (count + 1) / 2;
    case Draw::wide:
      return count;
  }
  return 0;
}

// The slow draws' random words, fetched 32 at a time from the caller.
class SlowWords {
 public:
  explicit SlowWords(const RoundingPatternSampler::FillWords& fill) : fill_(fill) {}
  std::uint64_t bits() {
    if (next_ == buffer_.size()) {
      fill_(buffer_.data(), static_cast<long>(buffer_.size()));
      next_ = 0;
    }
    return buffer_[next_++];
  }
  // U(0, 1) of 53-bit resolution, never 0 or 1.
  double uniform() { return (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  const RoundingPatternSampler::FillWords& fill_;
  std::array<std::uint64_t, 32> buffer_;
  std::size_t next_ = 32;
};

// A weight whose draw fell among the slow units: an entry (with a cell
// offset of its own: uniform, or the larger or the smaller of two draws) or
// the residual law of a block (z in it by rejection, each input's rounding
// by definition).
void RoundingPatternSampler::draw_slow(double* const* rows, long i, SlowWords& words) const {
  const auto clamped = [&](double level) { return std::min(std::max(level, lowest_), top_); };
  double u = words.uniform();
  double which = 0.0;
  slow_outcome_->sample(&u, &which, 1);
  const auto outcome = static_cast<std::size_t>(which);
  const std::size_t entries = offset_.size();
  if (outcome < entries) {
    const std::uint64_t first = words.bits() & offset_mask_;
    const std::uint64_t second = words.bits() & offset_mask_;
    const auto kind = offset_[outcome];
    const std::uint64_t cells = kind == PatternEntry::Offset::rising    ? std::max(first, second)
                                : kind == PatternEntry::Offset::falling ? std::min(first, second)
                                                                        : first;
    const double offset = spacing_ * static_cast<double>(cells);
    const double* entry = &entries_[outcome * static_cast<std::size_t>(inputs_)];
    for (int e = 0; e < inputs_; ++e) rows[e][i] = clamped(entry[e] + offset);
    return;
  }
  const SlowBlock& b = blocks_[outcome - entries];
  // Uniform proposals on the block, accepted under phi - floor - slope d.
  double z = b.z0;
  do {
    z = b.z0 + b.width * words.uniform();
  } while (words.uniform() * b.bound >= normal_pdf(z) - b.floor - b.slope * std::fabs(z - b.far));
  const double t = (z - lowest_) / spacing_;
  const double cell = std::clamp(std::floor(t), static_cast<double>(b.first_cell),
                                 static_cast<double>(b.first_cell + b.span - 1));
  const double p = t - cell;
  for (int e = 0; e < inputs_; ++e)
    rows[e][i] = clamped(lowest_ + spacing_ * (cell + (words.uniform() < p ? 1.0 : 0.0)));
}

// M > 0: that many inputs, known to the compiler (the copies unroll);
// M = 0: inputs_. D: the layout of the random bits (Draw).
template <int M, RoundingPatternSampler::Draw D>
void RoundingPatternSampler::sample_inputs(const std::uint64_t* words, double* const* rows,
                                           long count, const FillWords& fill) const {
  const int m = M > 0 ? M : inputs_;
  const Column* table = column_.data();
  const double* entries = entries_.data();
  const int y_shift = D == Draw::narrow ? 32 - y_bits_ : D == Draw::wide ? 32 : 0;
  const int fraction_bits = fraction_bits_;
  const std::uint32_t fraction_mask = (std::uint32_t{1} << fraction_bits) - 1;
  // Narrow draws compare all 32 bits with the slow draws' start.
  const std::uint64_t slow_start = D == Draw::narrow ? slow_start_ << (32 - y_bits_) : slow_start_;
  const std::uint64_t offset_mask = offset_mask_;
  const auto* offset_pair = offset_pair_.data();
  const double lowest = lowest_;
  const double top = top_;
  const double spacing = spacing_;
#if defined(__SSE2__)
  const __m128d low = _mm_set1_pd(lowest);
  const __m128d high = _mm_set1_pd(top);
#endif
  // Slow draws (about 1 % of the weights at m = 2, mostly linear entries)
  // are listed and finished after each chunk of 256 weights: a rarely taken
  // branch on the random bits alone (a branch on the table's entry costs a
  // flush of the loads in flight when it is taken), no call in the loop.
  constexpr long chunk = 256;
  std::array<long, chunk> slow_weight;
  SlowWords slow_words(fill);
  const auto draw = [&](std::uint64_t x, long i, long& slow) {
    if constexpr (D == Draw::narrow) {
      // x: 32 bits, the column in the top 11, the fraction and the offset
      // below: shifts and masks by constants.
      const Column& c = table[x >> 21];
      const std::uint32_t k = c.entry[static_cast<int>((x & 0x1fffff) >= c.threshold)];
      const double* entry = entries + k;
      const std::uint64_t first = x & offset_mask;
#if defined(__SSE2__)
      if constexpr (M == 2) {
        // Both inputs in one register: a load, an add and the clamp.
        const __m128d level = _mm_min_pd(
            _mm_max_pd(_mm_add_pd(_mm_loadu_pd(entry), _mm_load_pd(offset_pair[first].data())),
                       low),
            high);
        _mm_storel_pd(rows[0] + i, level);
        _mm_storeh_pd(rows[1] + i, level);
      } else
#endif
        for (int e = 0; e < m; ++e)
          rows[e][i] = std::min(std::max(entry[e] + offset_pair[first][0], lowest), top);
      if (x >= slow_start) [[unlikely]]
        slow_weight[slow++] = i;
      return;
    }
    const auto y = static_cast<std::uint32_t>(x >> y_shift);
    const Column& c = table[y >> fraction_bits];
    // An index, not a select (a select compiles to a random branch).
    const std::uint32_t k = c.entry[static_cast<int>((y & fraction_mask) >= c.threshold)];
    const double* entry = entries + k;
    if constexpr (D == Draw::whole) {
      for (int e = 0; e < m; ++e) rows[e][i] = entry[e];
    } else {
      const double offset = spacing * static_cast<double>(x & offset_mask);
      for (int e = 0; e < m; ++e) rows[e][i] = std::min(std::max(entry[e] + offset, lowest), top);
      if (y >= slow_start) [[unlikely]]
        slow_weight[slow++] = i;
    }
  };
  for (long start = 0; start < count; start += chunk) {
    const long end = std::min(count, start + chunk);
    long slow = 0;
    if constexpr (D == Draw::wide) {
      for (long i = start; i < end; ++i) draw(words[i], i, slow);
    } else {
      long i = start;
      for (; i + 1 < end; i += 2) {
        const std::uint64_t word = words[i / 2];
        draw(word & 0xffffffffu, i, slow);
        draw(word >> 32, i + 1, slow);
      }
      if (i < end) draw(words[i / 2] & 0xffffffffu, i, slow);
    }
    for (long k = 0; k < slow; ++k) draw_slow(rows, slow_weight[k], slow_words);
  }
}

void RoundingPatternSampler::sample(const std::uint64_t* words, double* const* rows, long count,
                                    const FillWords& fill) const {
  const auto run = [&]<Draw D>() {
    switch (inputs_) {
      case 2:
        return sample_inputs<2, D>(words, rows, count, fill);
      case 3:
        return sample_inputs<3, D>(words, rows, count, fill);
      case 4:
        return sample_inputs<4, D>(words, rows, count, fill);
      default:
        return sample_inputs<0, D>(words, rows, count, fill);
    }
  };
  switch (draw_) {
    case Draw::whole:
      return run.template operator()<Draw::whole>();
    case Draw::narrow:
      return run.template operator()<Draw::narrow>();
    case Draw::wide:
      return run.template operator()<Draw::wide>();
  }
}

}  // namespace qmf
