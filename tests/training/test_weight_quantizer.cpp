// The QAT weight quantizer against its definition written out here, one
// scalar weight at a time, bit for bit: nearest rounding, and stochastic
// rounding with its documented random layout (src/training/weight_quantizer.cpp:
// in each block of m <= quantizer_block weights starting at s, SplitMix64 of
// key ^ (s/2 + r) feeds weight s + r from its low 32 bits and weight
// s + m/2 + r from its high 32 bits, an odd last weight from the low bits of
// key ^ (s/2 + m/2); up when u < t - floor(t)). The library runs a vectorised
// copy of its loops (AVX-512 or AVX2 where the CPU has it, else SSE2); any
// difference in the rounding, the clip or the random layout shows here. Odd
// and even sizes, float and double; whole matrices and ranges that cut blocks
// (quantize_range, as the optimiser's hook uses it).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "qmf/training/weight_quantizer.hpp"
#include "training/rounding_bits.hpp"
#include "training/stochastic_rounding_avx2.hpp"

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The uniform's 32 bits of weight i of `size` by the layout above.
std::uint64_t uniform_bits(std::uint64_t key, long i, long size) {
  const long block = qmf::training::quantizer_block;
  const long start = i / block * block;
  const long half = std::min(size - start, block) / 2;
  const long r = i - start;
  const auto base = static_cast<std::uint64_t>(start / 2);
  if (r < half) return splitmix64(key ^ (base + r)) & 0xffffffffULL;
  if (r < 2 * half) return splitmix64(key ^ (base + r - half)) >> 32;
  return splitmix64(key ^ (base + half)) & 0xffffffffULL;
}

// Q(w) of one weight by the definition, `bits` its uniform's 32 bits.
template <class Scalar>
Scalar definition(Scalar w, const qmf::WeightSpec& spec, double sigma, std::uint64_t bits) {
  const auto grid = spec.grid();
  // t = w / (sigma D) + top / D, with the quantizer's roundings (1 / (sigma D) first).
  const double scale = 1.0 / (sigma * grid.spacing);
  const double t = std::clamp(static_cast<double>(w) * scale + grid.top / grid.spacing, 0.0,
                              static_cast<double>(grid.cells));
  double k = std::floor(t + 0.5);
  if (spec.rounding == qmf::Rounding::stochastic) {
    const double u = static_cast<double>(bits) * 0x1.0p-32;
    k = std::floor(t) + (u < t - std::floor(t) ? 1.0 : 0.0);
  }
  return static_cast<Scalar>(-sigma * grid.top + sigma * grid.spacing * k);
}

// The number of weights of Q(w) that differ from the definition; with
// `pieces` > 1, Q(w) made by quantize_range over that many unequal ranges.
template <class Scalar>
long differences(const char* text, int rows, int cols, int pieces = 1) {
  const double sw2 = 1.3;
  const std::uint64_t draw = 77;
  const auto spec = qmf::parse_weight_spec(text);
  const qmf::training::WeightQuantizer quantizer(spec, sw2);
  const qmf::training::Matrix<Scalar> w =
      qmf::training::Matrix<Scalar>::Random(rows, cols) * Scalar(0.2);
  qmf::training::Matrix<Scalar> q;
  if (pieces == 1) {
    quantizer.quantize(w, cols, draw, q);
  } else {
    q.resize(rows, cols);
    long begin = 0;
    for (int k = 1; k <= pieces; ++k) {
      // Cuts at (k/pieces)^2 of the size: ranges of different lengths and offsets.
      const long end = k == pieces ? w.size() : w.size() * k * k / (pieces * pieces);
      quantizer.quantize_range(w.data(), q.data(), w.size(), begin, end - begin, cols, draw);
      begin = end;
    }
  }

  const double sigma = std::sqrt(sw2 / cols);
  const std::uint64_t key = splitmix64(draw);
  const long size = w.size();
  long differ = 0;
  for (long i = 0; i < size; ++i) {
    const auto expected = definition<Scalar>(w.data()[i], spec, sigma, uniform_bits(key, i, size));
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
    CHECK(differences<float>(spec, 301, 257, 7) == 0);
    CHECK(differences<double>(spec, 30, 25) == 0);  // a single, short block
  }
}

// The hand-written AVX2 copy of stochastic rounding, called directly (the
// library runs it only on CPUs with AVX2 and without AVX-512, or in a build
// with -DQMF_NO_AVX512): against the definition on finite latents, and
// against the generic loop (round_stochastic_pairs, compiled here for the
// baseline) on every input, NaN, infinities and -0 included. Block sizes
// below, at and above its four-hash steps, odd and even.
template <class Scalar>
void check_avx2_copy() {
  using namespace qmf::training::rounding;
  const auto spec = qmf::parse_weight_spec("bits:4,rounding=stochastic");
  const auto grid = spec.grid();
  const double sigma = 0.05;
  const LayerGrid g = layer_grid(sigma, grid.top, grid.spacing, static_cast<double>(grid.cells));
  const std::uint64_t key = splitmix64(77);
  const long start = 5 * qmf::training::quantizer_block;
  const auto inf = std::numeric_limits<Scalar>::infinity();
  for (const long m : {1L, 2L, 7L, 8L, 9L, 10L, 17L, 2047L, 2048L}) {
    INFO(m);
    Eigen::Array<Scalar, Eigen::Dynamic, 1> w = Eigen::Array<Scalar, Eigen::Dynamic, 1>::Random(m);
    w *= Scalar(0.2);
    Eigen::Array<Scalar, Eigen::Dynamic, 1> fast(m), generic(m);
    round_stochastic_block_avx2(w.data(), fast.data(), m, key, start / 2, g);
    long differ = 0;
    for (long r = 0; r < m; ++r) {
      const auto expected =
          definition<Scalar>(w[r], spec, sigma, uniform_bits(key, start + r, start + m));
      differ += std::memcmp(&expected, &fast[r], sizeof(Scalar)) != 0;
    }
    CHECK(differ == 0);
    const Scalar special[] = {std::numeric_limits<Scalar>::quiet_NaN(),
                              inf,
                              -inf,
                              Scalar(0),
                              Scalar(-0.0),
                              static_cast<Scalar>(sigma * grid.top),
                              static_cast<Scalar>(-sigma * grid.top)};
    for (long r = 0; r < m; r += 3) w[r] = special[r / 3 % 7];
    round_stochastic_block_avx2(w.data(), fast.data(), m, key, start / 2, g);
    round_stochastic_pairs(w.data(), generic.data(), m, 0, key, start / 2, g);
    CHECK(std::memcmp(fast.data(), generic.data(), m * sizeof(Scalar)) == 0);
  }
}

TEST_CASE("stochastic rounding's AVX2 copy gives the generic loop's bits") {
  if (!__builtin_cpu_supports("avx2")) return;  // it cannot run here
  check_avx2_copy<float>();
  check_avx2_copy<double>();
}
