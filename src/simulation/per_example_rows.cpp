#include "simulation/per_example_rows.hpp"

#include <array>
#include <bit>

#include "numerics/mix64.hpp"
#include "simulation/per_example_rows_avx2.hpp"
#include "simulation/per_example_rows_avx512.hpp"

// The whole groups of 8 of a row go to a copy written with intrinsics
// (AVX-512 or AVX2, per_example_rows_avx*.hpp) where the CPU has one; the
// loop below takes the rest, and everything on other CPUs. Its AVX-512
// (vpmullq, 8 lanes) and AVX2 (4 lanes, the 64-bit products emulated) clones
// are picked when the library loads. It is written so that both vectorise: no
// branch, no floating-point comparison to if-convert, no conversion between
// doubles and 64-bit integers (AVX2 has none); floor and the threshold come
// from the bits of t + 2^52. -DQMF_NO_AVX512 leaves every AVX-512 copy out,
// so that an AVX-512 machine runs the AVX2 ones (docs/benchmarks.md).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(QMF_NO_AVX512)
#define QMF_ROW_CLONES [[gnu::target_clones("avx2", "default")]]
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QMF_ROW_CLONES [[gnu::target_clones("arch=x86-64-v4", "avx2", "default")]]
#else
#define QMF_ROW_CLONES
#endif

namespace qmf::simulation {

namespace {

constexpr double two_52 = 0x1.0p52;

inline std::uint64_t bits_of(double x) { return std::bit_cast<std::uint64_t>(x); }
inline double from_bits(std::uint64_t x) { return std::bit_cast<double>(x); }

// x where `on`, else +0.0, by masking its bits.
inline double where(bool on, std::uint64_t x_bits) {
  return from_bits((0 - static_cast<std::uint64_t>(on)) & x_bits);
}

// first[j] and second[j] for j in [begin, end), from the hashes of
// key ^ (offset + j).
QMF_ROW_CLONES void round_pair(const WeightRounding rounding, const double* latent, long begin,
                               long end, std::uint64_t key, std::uint64_t offset, double* first,
                               double* second) {
  const std::uint64_t spacing = bits_of(rounding.spacing());
  const std::uint64_t one = bits_of(1.0);
  for (long j = begin; j < end; ++j) {
    const double t = rounding.position(latent[j]);                  // in [0, steps], steps < 2^33
    const double nearest = (t + two_52) - two_52;                   // t rounded to an integer
    const double below = t - nearest;                               // exact, in [-1/2, 1/2]
    const double borrow = where((bits_of(below) >> 63) != 0, one);  // 1 where t < nearest
    const double lower = rounding.level(nearest - borrow);          // level(floor t)
    // round(f 2^32) for the fraction f = t - floor t, an integer in [0, 2^32].
    const auto threshold =
        static_cast<std::int64_t>(bits_of(two_52 + (below + borrow) * 0x1.0p32) - bits_of(two_52));
    std::uint64_t bits = key ^ (offset + static_cast<std::uint64_t>(j));
    detail::mix_in_place(bits);
    first[j] = lower + where(static_cast<std::int64_t>(bits & 0xffffffffULL) < threshold, spacing);
    second[j] = lower + where(static_cast<std::int64_t>(bits >> 32) < threshold, spacing);
  }
}

// Partial sums by j mod 8, folded in one fixed order, so that the AVX-512
// and AVX2 passes and the portable loop give the same bits.
using Lanes = std::array<double, 8>;

// sums[j mod 8] += w[j] x[j] for j in [begin, end), begin a multiple of 8;
// the lanes in locals so that the loop over a group vectorises.
QMF_ROW_CLONES void add_products(const double* w, const double* x, long begin, long end,
                                 Lanes& sums) {
  Lanes s = sums;
  long j = begin;
  for (; j + 8 <= end; j += 8)
    for (std::size_t l = 0; l < 8; ++l) s[l] += w[j + l] * x[j + l];
  for (std::size_t l = 0; j < end; ++j, ++l) s[l] += w[j] * x[j];
  sums = s;
}

// out[j] += scale w[j] for j in [begin, end).
QMF_ROW_CLONES void add_scaled(const double* w, double scale, long begin, long end, double* out) {
  for (long j = begin; j < end; ++j) out[j] += scale * w[j];
}

double fold(const Lanes& s) {
  return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

// A copy written with intrinsics: its three passes (their signatures are
// the same in both).
struct VectorCopy {
  decltype(&round_pair_avx2) round;
  decltype(&dot_pair_avx2) dot;
  decltype(&add_pair_avx2) add;
};

// The copy `copy` asks for where the CPU runs it, or none (the portable loop
// throughout).
const VectorCopy* vector_copy(RowCopy copy) {
  static constexpr VectorCopy avx512{round_pair_avx512, dot_pair_avx512, add_pair_avx512};
  static constexpr VectorCopy avx2{round_pair_avx2, dot_pair_avx2, add_pair_avx2};
  if (copy == RowCopy::fastest && runs_avx512_rows()) return &avx512;
  if (copy != RowCopy::portable && runs_avx2_rows()) return &avx2;
  return nullptr;
}

// The part of a row of n weights that a vector copy takes: its whole groups of 8.
long vector_part(long n, const VectorCopy* vector) { return vector != nullptr ? n - n % 8 : 0; }

std::uint64_t offset_of(int pair, long n) {
  return static_cast<std::uint64_t>(pair) * static_cast<std::uint64_t>(n);
}

}  // namespace

void round_per_example(const WeightRounding& rounding, const double* latent, long n,
                       std::uint64_t key, double* const* rows, int pairs, RowCopy copy) {
  const VectorCopy* vector = vector_copy(copy);
  const long groups = vector_part(n, vector);
  for (int p = 0; p < pairs; ++p) {
    if (groups > 0)
      vector->round(rounding, latent, groups, key, offset_of(p, n), rows[2 * p], rows[2 * p + 1]);
    round_pair(rounding, latent, groups, n, key, offset_of(p, n), rows[2 * p], rows[2 * p + 1]);
  }
}

void dot_per_example(const WeightRounding& rounding, const double* latent, long n,
                     std::uint64_t key, const double* const* inputs, double* products,
                     double* const* rows, int pairs, RowCopy copy) {
  const VectorCopy* vector = vector_copy(copy);
  const long groups = vector_part(n, vector);
  for (int p = 0; p < pairs; ++p) {
    Lanes first{}, second{};
    if (groups > 0)
      vector->dot(rounding, latent, groups, key, offset_of(p, n), inputs[2 * p], inputs[2 * p + 1],
                  first.data(), second.data());
    round_pair(rounding, latent, groups, n, key, offset_of(p, n), rows[2 * p], rows[2 * p + 1]);
    add_products(rows[2 * p], inputs[2 * p], groups, n, first);
    add_products(rows[2 * p + 1], inputs[2 * p + 1], groups, n, second);
    products[2 * p] = fold(first);
    products[2 * p + 1] = fold(second);
  }
}

void add_per_example(const WeightRounding& rounding, const double* latent, long n,
                     std::uint64_t key, const double* scales, double* const* outputs,
                     double* const* rows, int pairs, RowCopy copy) {
  const VectorCopy* vector = vector_copy(copy);
  const long groups = vector_part(n, vector);
  for (int p = 0; p < pairs; ++p) {
    if (groups > 0)
      vector->add(rounding, latent, groups, key, offset_of(p, n), scales[2 * p], scales[2 * p + 1],
                  outputs[2 * p], outputs[2 * p + 1]);
    round_pair(rounding, latent, groups, n, key, offset_of(p, n), rows[2 * p], rows[2 * p + 1]);
    for (int e = 2 * p; e < 2 * p + 2; ++e) add_scaled(rows[e], scales[e], groups, n, outputs[e]);
  }
}

}  // namespace qmf::simulation
