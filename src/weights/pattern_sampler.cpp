// Drawing per-example rounding patterns from the sampler's alias table
// (built in pattern_sampler_tables.cpp).
#include "weights/pattern_sampler.hpp"

namespace qmf {

// M > 0: that many inputs, known to the compiler (the copies unroll);
// M = 0: inputs_.
template <int M>
void RoundingPatternSampler::sample_inputs(const std::uint64_t* words, double* const* rows,
                                           long count) const {
  const int m = M > 0 ? M : inputs_;
  const Column* table = column_.data();
  const double* entries = entries_.data();
  const int fraction_bits = fraction_bits_;
  const std::uint32_t fraction_mask = (std::uint32_t{1} << fraction_bits) - 1;
  const auto draw = [&](std::uint32_t y, long i) {
    const Column& c = table[y >> fraction_bits];
    // An index, not a select (a select compiles to a random branch).
    const std::uint32_t k = c.entry[static_cast<int>((y & fraction_mask) >= c.threshold)];
    const double* entry = entries + k;
    for (int e = 0; e < m; ++e) rows[e][i] = entry[e];
  };
  long i = 0;
  for (; i + 1 < count; i += 2) {
    const std::uint64_t word = words[i / 2];
    draw(static_cast<std::uint32_t>(word), i);
    draw(static_cast<std::uint32_t>(word >> 32), i + 1);
  }
  if (i < count) draw(static_cast<std::uint32_t>(words[i / 2]), i);
}

void RoundingPatternSampler::sample(const std::uint64_t* words, double* const* rows,
                                    long count) const {
  switch (inputs_) {
    case 2:
      return sample_inputs<2>(words, rows, count);
    case 3:
      return sample_inputs<3>(words, rows, count);
    case 4:
      return sample_inputs<4>(words, rows, count);
    default:
      return sample_inputs<0>(words, rows, count);
  }
}

}  // namespace qmf
