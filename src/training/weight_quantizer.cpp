#include "qmf/training/weight_quantizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "training/elementwise.hpp"

namespace qmf::training {

namespace {

// SplitMix64's finaliser: a bijective mix of (key, index) into 64 uniform bits,
// so element i of draw k is random and independent of the loop's schedule.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 32 random bits per weight, uniform u in [0, 1) on a grid of 2^-32, one hash
// serving two weights. The weights are taken in blocks of uniform_block (the
// last block shorter); in a block of m weights starting at s, weight s + r
// takes the low 32 bits of mix(key ^ (s/2 + r)) for r < m/2 and the high 32
// bits of mix(key ^ (s/2 + r - m/2)) for m/2 <= r < 2 (m/2); an odd last
// weight takes the low bits of mix(key ^ (s/2 + m/2)). Block by block, so
// that the optimiser can quantize a block while it is in cache
// (quantize_range); the halves of a hash go to weights a vector apart, so
// that the hashes of consecutive r feed consecutive weights in both halves
// and the loop vectorises without shuffles.
constexpr std::uint64_t low_bits = 0xffffffffULL;

// u = bits 2^-32 exactly, as a double in [1, 2) minus 1: the 32 bits become
// the top of the mantissa (integer operations on the 64-bit lanes, where an
// unsigned 32-bit integer has no SSE2 conversion to double).
inline double unit_interval(std::uint64_t bits32) {
  return std::bit_cast<double>((bits32 << 20) | 0x3ff0000000000000ULL) - 1.0;
}

// The uniform of weight i of a matrix of `size` weights (the layout above).
inline double uniform_at(std::uint64_t key, Eigen::Index i, Eigen::Index size) {
  const Eigen::Index start = i / quantizer_block * quantizer_block;
  const Eigen::Index half = std::min(size - start, quantizer_block) / 2;
  const Eigen::Index r = i - start;
  const auto base = static_cast<std::uint64_t>(start / 2);
  if (r < half) return unit_interval(mix(key ^ (base + r)) & low_bits);
  if (r < 2 * half) return unit_interval(mix(key ^ (base + r - half)) >> 32);
  return unit_interval(mix(key ^ (base + half)) & low_bits);
}

// A coarse grid (fewer cells than an int counts) in a layer's units: the
// position t = clip(w scale + offset) in [0, cells], the level start + step k.
struct LayerGrid {
  double scale, offset, cells, start, step;
  [[nodiscard]] double position(double w) const {
    return std::min(std::max(w * scale + offset, 0.0), cells);
  }
  // Up when u < t - floor(t).
  [[nodiscard]] double stochastic(double w, double u) const {
    const double t = position(w);
    const auto below = static_cast<double>(static_cast<int>(t));
    return start + step * (below + static_cast<double>(u < t - below));
  }
  [[nodiscard]] double nearest(double w) const {
    return start + step * static_cast<double>(static_cast<int>(position(w) + 0.5));
  }
};

// The loops over a layer's weights are compiled for AVX-512 (x86-64-v4), for
// AVX2 and for the baseline (SSE2), and the copy the CPU supports is picked
// when the library loads: AVX-512 has eight double lanes and a 64-bit integer
// multiply for the hash, AVX2 four lanes. The same operations in the same
// order without FMA (-ffp-contract=off), so every copy gives the same weights
// bit for bit. Branch-free (min/max, integer conversion of t >= 0 as floor, a
// comparison as 0/1): the rounding direction is unpredictable, and a
// mispredicted branch per weight would cost more than the rest of the loop.
#define QMF_QAT_CLONES [[gnu::target_clones("arch=x86-64-v4", "avx2", "default")]]

// One whole block of m weights starting at `start` (pointers at the block).
template <class Scalar>
QMF_QAT_CLONES void round_stochastic_block(const Scalar* latent, Scalar* out, Eigen::Index m,
                                           std::uint64_t key, std::uint64_t base, LayerGrid g) {
  const Eigen::Index half = m / 2;
  for (Eigen::Index r = 0; r < half; ++r) {
    const std::uint64_t bits = mix(key ^ (base + static_cast<std::uint64_t>(r)));
    out[r] = static_cast<Scalar>(
        g.stochastic(static_cast<double>(latent[r]), unit_interval(bits & low_bits)));
    out[half + r] = static_cast<Scalar>(
        g.stochastic(static_cast<double>(latent[half + r]), unit_interval(bits >> 32)));
  }
  if (m % 2 != 0)
    out[m - 1] = static_cast<Scalar>(g.stochastic(
        static_cast<double>(latent[m - 1]), unit_interval(mix(key ^ (base + half)) & low_bits)));
}

template <class Scalar>
QMF_QAT_CLONES void round_nearest(const Scalar* latent, Scalar* out, Eigen::Index count,
                                  LayerGrid g) {
  for (Eigen::Index i = 0; i < count; ++i)
    out[i] = static_cast<Scalar>(g.nearest(static_cast<double>(latent[i])));
}

// The STE's clip: a product with 1 or 0 rather than a branch (about half the
// weights of a binary net lie outside the clip range, at random). The factor
// is made with bit operations (1's bits and-ed with all ones or zeros): as a
// product with the comparison converted to 1/0, GCC compiled the float AVX2
// copy to a branch per weight (5 ns per weight for a binary net).
template <class Scalar>
QMF_QAT_CLONES void mask_outside(const Scalar* latent, const Scalar* gradient, Scalar* out,
                                 Eigen::Index count, Scalar limit) {
  using Bits = std::conditional_t<sizeof(Scalar) == 4, std::uint32_t, std::uint64_t>;
  const auto one = std::bit_cast<Bits>(Scalar(1));
  for (Eigen::Index i = 0; i < count; ++i) {
    const Bits all = Bits(0) - static_cast<Bits>(std::abs(latent[i]) <= limit);
    out[i] = gradient[i] * std::bit_cast<Scalar>(one & all);
  }
}

// f(begin, count) over [0, size) in blocks of quantizer_block, split between
// the OpenMP threads.
template <class F>
void for_each_block(Eigen::Index size, F f) {
  const Eigen::Index blocks = (size + quantizer_block - 1) / quantizer_block;
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index b = 0; b < blocks; ++b)
    f(b * quantizer_block, std::min(quantizer_block, size - b * quantizer_block));
}

}  // namespace

WeightQuantizer::WeightQuantizer(const WeightSpec& spec, double sw2) : sw2_(sw2), fine_grid_(spec) {
  if (spec.kind == WeightSpec::Kind::gaussian) return;
  if (spec.rounding == Rounding::stochastic_per_example)
    throw std::invalid_argument(
        "weights '" + spec.text +
        "': training supports rounding=nearest|stochastic; stochastic-per-example would draw a "
        "weight matrix for every example of a batch (batch x the rounding work, and matrix-vector "
        "instead of matrix-matrix products)");
  active_ = true;
  stochastic_ = spec.rounding == Rounding::stochastic;
  const auto grid = spec.grid();
  top_ = grid.top;
  spacing_ = grid.spacing;
  cells_ = grid.cells;
}

template <class Scalar>
void WeightQuantizer::quantize(const Matrix<Scalar>& w, int fan_in, std::uint64_t draw,
                               Matrix<Scalar>& q) const {
  q.resize(w.rows(), w.cols());
  for_each_block(w.size(), [&](Eigen::Index begin, Eigen::Index count) {
    quantize_range(w.data(), q.data(), w.size(), begin, count, fan_in, draw);
  });
}

template <class Scalar>
void WeightQuantizer::quantize_range(const Scalar* latent, Scalar* out, Eigen::Index size,
                                     Eigen::Index begin, Eigen::Index count, int fan_in,
                                     std::uint64_t draw) const {
  // Position on the grid in cells from -top: t = (w / sigma + top) / D, as
  // one multiply-add (the loop is the whole cost of quantizing).
  const double sigma = std::sqrt(sw2_ / fan_in);
  const std::uint64_t key = mix(draw);
  const Eigen::Index end = begin + count;
  if (cells_ > std::numeric_limits<int>::max()) {
    for (Eigen::Index i = begin; i < end; ++i) {
      const double z = static_cast<double>(latent[i]) / sigma;
      out[i] = static_cast<Scalar>(sigma * (stochastic_
                                                ? fine_grid_.stochastic(z, uniform_at(key, i, size))
                                                : fine_grid_.nearest(z)));
    }
    return;
  }
  const LayerGrid g{1.0 / (sigma * spacing_), top_ / spacing_, static_cast<double>(cells_),
                    -sigma * top_, sigma * spacing_};
  if (!stochastic_) {
    round_nearest(latent + begin, out + begin, count, g);
    return;
  }
  // Whole blocks by the vectorised loop; the parts of blocks at either end of
  // the range weight by weight.
  Eigen::Index i = begin;
  while (i < end) {
    const Eigen::Index start = i / quantizer_block * quantizer_block;
    const Eigen::Index stop = std::min(start + quantizer_block, size);
    if (i == start && stop <= end) {
      round_stochastic_block(latent + start, out + start, stop - start, key,
                             static_cast<std::uint64_t>(start / 2), g);
      i = stop;
      continue;
    }
    for (; i < std::min(stop, end); ++i)
      out[i] = static_cast<Scalar>(
          g.stochastic(static_cast<double>(latent[i]), uniform_at(key, i, size)));
  }
}

template <class Scalar>
void WeightQuantizer::mask_gradient(const Matrix<Scalar>& w, int fan_in,
                                    Matrix<Scalar>& gradient) const {
  for_each_block(w.size(), [&](Eigen::Index begin, Eigen::Index count) {
    mask_range(w.data() + begin, gradient.data() + begin, gradient.data() + begin, count, fan_in);
  });
}

template <class Scalar>
void WeightQuantizer::mask_range(const Scalar* latent, const Scalar* gradient, Scalar* out,
                                 Eigen::Index count, int fan_in) const {
  mask_outside(latent, gradient, out, count, static_cast<Scalar>(top_ * std::sqrt(sw2_ / fan_in)));
}

#define QMF_QUANTIZER_INSTANCES(Scalar)                                                            \
  template void WeightQuantizer::quantize(const Matrix<Scalar>&, int, std::uint64_t,               \
                                          Matrix<Scalar>&) const;                                  \
  template void WeightQuantizer::quantize_range(                                                   \
      const Scalar*, Scalar*, Eigen::Index, Eigen::Index, Eigen::Index, int, std::uint64_t) const; \
  template void WeightQuantizer::mask_gradient(const Matrix<Scalar>&, int, Matrix<Scalar>&) const; \
  template void WeightQuantizer::mask_range(const Scalar*, const Scalar*, Scalar*, Eigen::Index,   \
                                            int) const;
QMF_QUANTIZER_INSTANCES(float)
QMF_QUANTIZER_INSTANCES(double)

}  // namespace qmf::training
