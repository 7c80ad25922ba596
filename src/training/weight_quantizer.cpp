#include "qmf/training/weight_quantizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "training/elementwise.hpp"
#include "training/per_example_draws_avx2.hpp"
#include "training/rounding_bits.hpp"
#include "training/stochastic_rounding_avx2.hpp"

namespace qmf::training {

using namespace rounding;

namespace {

// One whole block of m weights starting at `start` (pointers at the block);
// on a CPU with AVX2 but no AVX-512 the hand-written AVX2 copy instead.
template <class Scalar>
QMF_QAT_CLONES_BUT_AVX2 void round_stochastic_block(const Scalar* latent, Scalar* out,
                                                    Eigen::Index m, std::uint64_t key,
                                                    std::uint64_t base, LayerGrid g) {
  round_stochastic_pairs(latent, out, m, 0, key, base, g);
}

// Weights [from, count) (the AVX2 copy does those before `from`).
template <class Scalar>
QMF_QAT_CLONES_BUT_AVX2 void round_down(const Scalar* latent, Scalar* out, Eigen::Index count,
                                        LayerGrid g, Eigen::Index from) {
  for (Eigen::Index i = from; i < count; ++i)
    out[i] = static_cast<Scalar>(g.below(static_cast<double>(latent[i])));
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
  active_ = true;
  stochastic_ = spec.rounding == Rounding::stochastic;
  per_example_ = spec.rounding == Rounding::stochastic_per_example;
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
  const LayerGrid g = layer_grid(sigma, top_, spacing_, static_cast<double>(cells_));
  if (per_example_) {
    const Eigen::Index done =
        runs_avx2_rounding() ? round_down_avx2(latent + begin, out + begin, count, g) : 0;
    round_down(latent + begin, out + begin, count, g, done);
    return;
  }
  if (cells_ > std::numeric_limits<int>::max()) {
    for (Eigen::Index i = begin; i < end; ++i) {
      const double z = static_cast<double>(latent[i]) / sigma;
      out[i] = static_cast<Scalar>(sigma * (stochastic_
                                                ? fine_grid_.stochastic(z, uniform_at(key, i, size))
                                                : fine_grid_.nearest(z)));
    }
    return;
  }
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
      const auto base = static_cast<std::uint64_t>(start / 2);
      if (runs_avx2_rounding())
        round_stochastic_block_avx2(latent + start, out + start, stop - start, key, base, g);
      else
        round_stochastic_block(latent + start, out + start, stop - start, key, base, g);
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
