// The QAT weight quantizer against its definition written out here, one
// scalar weight at a time, bit for bit: nearest rounding, and stochastic
// rounding with its documented random layout (src/training/weight_quantizer.cpp:
// SplitMix64 of key ^ i feeds element i from its low 32 bits and element
// size/2 + i from its high 32 bits, an odd last element from the low bits of
// key ^ size/2; up when u < t - floor(t)). The library runs a vectorised copy
// of its loops (AVX2 where the CPU has it, else SSE2); any difference in the
// rounding, the clip or the random layout shows here. Odd and even sizes,
// float and double.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "qmf/training/weight_quantizer.hpp"

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The number of weights of Q(w) that differ from the definition.
template <class Scalar>
long differences(const char* text, int rows, int cols) {
  const double sw2 = 1.3;
  const std::uint64_t draw = 77;
  const auto spec = qmf::parse_weight_spec(text);
  const qmf::training::WeightQuantizer quantizer(spec, sw2);
  const qmf::training::Matrix<Scalar> w =
      qmf::training::Matrix<Scalar>::Random(rows, cols) * Scalar(0.2);
  qmf::training::Matrix<Scalar> q;
  quantizer.quantize(w, cols, draw, q);

  const auto grid = spec.grid();
  const double sigma = std::sqrt(sw2 / cols);
  const std::uint64_t key = splitmix64(draw);
  const long size = w.size();
  const long half = size / 2;
  long differ = 0;
  for (long i = 0; i < size; ++i) {
    // t = w / (sigma D) + top / D, with the quantizer's roundings (1 / (sigma D) first).
    const double scale = 1.0 / (sigma * grid.spacing);
    const double t = std::clamp(static_cast<double>(w.data()[i]) * scale + grid.top / grid.spacing,
                                0.0, static_cast<double>(grid.cells));
    double k = std::floor(t + 0.5);
    if (spec.rounding == qmf::Rounding::stochastic) {
      const std::uint64_t bits = i < half       ? splitmix64(key ^ i) & 0xffffffffULL
                                 : i < 2 * half ? splitmix64(key ^ (i - half)) >> 32
                                                : splitmix64(key ^ half) & 0xffffffffULL;
      const double u = static_cast<double>(bits) * 0x1.0p-32;
      k = std::floor(t) + (u < t - std::floor(t) ? 1.0 : 0.0);
    }
    const auto expected = static_cast<Scalar>(-sigma * grid.top + sigma * grid.spacing * k);
    differ += std::memcmp(&expected, &q.data()[i], sizeof(Scalar)) != 0;
  }
  return differ;
}

}  // namespace

TEST_CASE("quantize is its definition, bit for bit") {
  for (const char* spec :
       {"bits:4", "binary", "ternary", "bits:8,clip=2", "bits:4,rounding=stochastic",
        "binary,rounding=stochastic", "bits:8,clip=2,rounding=stochastic"}) {
    INFO(spec);
    CHECK(differences<float>(spec, 301, 257) == 0);  // odd size
    CHECK(differences<float>(spec, 64, 784) == 0);
    CHECK(differences<double>(spec, 300, 255) == 0);
  }
}
