#include "qmf/training/weight_quantizer.hpp"

#include <algorithm>
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

// 32 random bits of (key, i): u uniform in [0, 1) on a grid of 2^-32 (32-bit,
// so the loop vectorises: 4x faster than 53 bits).
inline double uniform_at(std::uint64_t key, std::uint64_t i) {
  return static_cast<double>(static_cast<std::uint32_t>(mix(key ^ i) >> 32)) * 0x1.0p-32;
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
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
    for (Eigen::Index i = 0; i < size; ++i) {
      const double z = static_cast<double>(latent[i]) / sigma;
      out[i] = static_cast<Scalar>(
          sigma * (stochastic_
                       ? fine_grid_.stochastic(z, uniform_at(key, static_cast<std::uint64_t>(i)))
                       : fine_grid_.nearest(z)));
    }
    return;
  }
  // Branch-free (min/max, integer conversion of t >= 0 as floor, a comparison
  // as 0/1): the rounding direction is unpredictable, and a mispredicted
  // branch per weight would cost more than the rest of the loop.
  if (stochastic_) {
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
    for (Eigen::Index i = 0; i < size; ++i) {
      const double t =
          std::min(std::max(static_cast<double>(latent[i]) * scale + offset, 0.0), cells);
      const auto below = static_cast<double>(static_cast<int>(t));
      // Up when u < t - floor(t).
      const double u = uniform_at(key, static_cast<std::uint64_t>(i));
      out[i] = static_cast<Scalar>(start + step * (below + static_cast<double>(u < t - below)));
    }
    return;
  }
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i) {
    const double t =
        std::min(std::max(static_cast<double>(latent[i]) * scale + offset, 0.0), cells);
    out[i] = static_cast<Scalar>(start + step * static_cast<double>(static_cast<int>(t + 0.5)));
  }
}

template <class Scalar>
void WeightQuantizer::mask_gradient(const Matrix<Scalar>& w, int fan_in,
                                    Matrix<Scalar>& gradient) const {
  const auto limit = static_cast<Scalar>(top_ * std::sqrt(sw2_ / fan_in));
  const Scalar* latent = w.data();
  Scalar* g = gradient.data();
  const Eigen::Index size = w.size();
  // A product with 0/1 rather than a branch (about half the weights of a
  // binary net lie outside the clip range, at random).
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i) g[i] *= static_cast<Scalar>(std::abs(latent[i]) <= limit);
}

template void WeightQuantizer::quantize(const Matrix<float>&, int, std::uint64_t,
                                        Matrix<float>&) const;
template void WeightQuantizer::quantize(const Matrix<double>&, int, std::uint64_t,
                                        Matrix<double>&) const;
template void WeightQuantizer::mask_gradient(const Matrix<float>&, int, Matrix<float>&) const;
template void WeightQuantizer::mask_gradient(const Matrix<double>&, int, Matrix<double>&) const;

}  // namespace qmf::training
