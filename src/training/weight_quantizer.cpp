#include "qmf/training/weight_quantizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

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

// 32 random bits per weight, uniform u in [0, 1) on a grid of 2^-32: one
// hash serves two weights, element i < half taking the low and element
// half + i the high 32 bits of mix(key ^ i) (half = size / 2; an odd last
// element takes the low bits of mix(key ^ half)). The halves of a hash go to
// elements a vector apart, so that the hashes of consecutive i feed
// consecutive weights in both halves and the loop vectorises without
// shuffles; the hash is the cost of stochastic rounding.
constexpr std::uint64_t low_bits = 0xffffffffULL;

// u = bits 2^-32 exactly, as a double in [1, 2) minus 1: the 32 bits become
// the top of the mantissa (integer operations on the 64-bit lanes, where an
// unsigned 32-bit integer has no SSE2 conversion to double).
inline double unit_interval(std::uint64_t bits32) {
  return std::bit_cast<double>((bits32 << 20) | 0x3ff0000000000000ULL) - 1.0;
}

inline double uniform_at(std::uint64_t key, std::uint64_t i, std::uint64_t size) {
  const std::uint64_t half = size / 2;
  if (i < half) return unit_interval(mix(key ^ i) & low_bits);
  if (i < 2 * half) return unit_interval(mix(key ^ (i - half)) >> 32);
  return unit_interval(mix(key ^ half) & low_bits);
}

// A coarse grid (fewer cells than an int counts) in a layer's units: the
// position t = clip(w scale + offset) in [0, cells], the level start + step k.
struct LayerGrid {
  double scale, offset, cells, start, step;
  [[nodiscard]] double position(double w) const {
    return std::min(std::max(w * scale + offset, 0.0), cells);
  }
};

// The loops over a layer's weights are compiled twice, for AVX2 and for the
// baseline (SSE2), and the copy the CPU supports is picked when the library
// loads: AVX2 has four double lanes and 64-bit integer lanes for the hash.
// The same operations in the same order without FMA (AVX2 alone does not
// provide it), so both give the same weights bit for bit. Branch-free
// (min/max, integer conversion of t >= 0 as floor, a comparison as 0/1): the
// rounding direction is unpredictable, and a mispredicted branch per weight
// would cost more than the rest of the loop.
template <class Scalar>
__attribute__((target_clones("avx2", "default"))) void round_stochastic(
    const Scalar* latent, Scalar* out, Eigen::Index size, std::uint64_t key, LayerGrid g) {
  const auto round = [&](Eigen::Index i, double u) {
    const double t = g.position(static_cast<double>(latent[i]));
    const auto below = static_cast<double>(static_cast<int>(t));
    // Up when u < t - floor(t).
    out[i] = static_cast<Scalar>(g.start + g.step * (below + static_cast<double>(u < t - below)));
  };
  const Eigen::Index half = size / 2;
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < half; ++i) {
    const std::uint64_t bits = mix(key ^ static_cast<std::uint64_t>(i));
    round(i, unit_interval(bits & low_bits));
    round(half + i, unit_interval(bits >> 32));
  }
  if (size % 2 != 0)
    round(size - 1,
          uniform_at(key, static_cast<std::uint64_t>(size - 1), static_cast<std::uint64_t>(size)));
}

template <class Scalar>
__attribute__((target_clones("avx2", "default"))) void round_nearest(const Scalar* latent,
                                                                     Scalar* out, Eigen::Index size,
                                                                     LayerGrid g) {
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i) {
    const double t = g.position(static_cast<double>(latent[i]));
    out[i] = static_cast<Scalar>(g.start + g.step * static_cast<double>(static_cast<int>(t + 0.5)));
  }
}

// The STE's clip: a product with 0/1 rather than a branch (about half the
// weights of a binary net lie outside the clip range, at random).
template <class Scalar>
__attribute__((target_clones("avx2", "default"))) void mask_outside(const Scalar* latent,
                                                                    Scalar* gradient,
                                                                    Eigen::Index size,
                                                                    Scalar limit) {
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i)
    gradient[i] *= static_cast<Scalar>(std::abs(latent[i]) <= limit);
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
  // Position on the grid in cells from -top: t = (w / sigma + top) / D, as
  // one multiply-add (the loop is the whole cost of quantizing).
  const double sigma = std::sqrt(sw2_ / fan_in);
  const double scale = 1.0 / (sigma * spacing_);
  const double offset = top_ / spacing_;
  const double step = sigma * spacing_;
  const double start = -sigma * top_;
  const double cells = static_cast<double>(cells_);
  const Scalar* latent = w.data();
  q.resize(w.rows(), w.cols());
  Scalar* out = q.data();
  const Eigen::Index size = w.size();
  const std::uint64_t key = mix(draw);
  if (cells_ > std::numeric_limits<int>::max()) {
    const auto count = static_cast<std::uint64_t>(size);
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
    for (Eigen::Index i = 0; i < size; ++i) {
      const double z = static_cast<double>(latent[i]) / sigma;
      out[i] = static_cast<Scalar>(
          sigma * (stochastic_ ? fine_grid_.stochastic(
                                     z, uniform_at(key, static_cast<std::uint64_t>(i), count))
                               : fine_grid_.nearest(z)));
    }
    return;
  }
  const LayerGrid grid{scale, offset, cells, start, step};
  if (stochastic_)
    round_stochastic(latent, out, size, key, grid);
  else
    round_nearest(latent, out, size, grid);
}

template <class Scalar>
void WeightQuantizer::mask_gradient(const Matrix<Scalar>& w, int fan_in,
                                    Matrix<Scalar>& gradient) const {
  const auto limit = static_cast<Scalar>(top_ * std::sqrt(sw2_ / fan_in));
  mask_outside(w.data(), gradient.data(), w.size(), limit);
}

template void WeightQuantizer::quantize(const Matrix<float>&, int, std::uint64_t,
                                        Matrix<float>&) const;
template void WeightQuantizer::quantize(const Matrix<double>&, int, std::uint64_t,
                                        Matrix<double>&) const;
template void WeightQuantizer::mask_gradient(const Matrix<float>&, int, Matrix<float>&) const;
template void WeightQuantizer::mask_gradient(const Matrix<double>&, int, Matrix<double>&) const;

}  // namespace qmf::training
