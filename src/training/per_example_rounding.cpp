// Per-example stochastic rounding's products (WeightQuantizer::
// add_rounding_products): example e's weights are L + D B_e, and the part
// D B_e x_e (or D B_e^T x_e) is summed here, B_e regenerated from the keyed
// hash block by block rather than stored (batch x the weights would not fit
// at width 1024 and depth 100).
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "qmf/training/weight_quantizer.hpp"
#include "training/elementwise.hpp"
#include "training/rounding_bits.hpp"

namespace qmf::training {

using namespace rounding;

namespace {

// frac[r] = the fraction of weight r's cell above its level below.
template <class Scalar>
QMF_QAT_CLONES void cell_fractions(const Scalar* latent, double* frac, Eigen::Index m,
                                   LayerGrid g) {
  for (Eigen::Index r = 0; r < m; ++r) frac[r] = g.fraction(static_cast<double>(latent[r]));
}

// up[r] = 1{u_r < frac[r]} for a block of m weights whose hashes start at
// `base`, with the uniforms of the block layout (rounding_bits.hpp): the
// up-moves of WeightQuantizer's stochastic rounding with this key.
template <class Scalar>
QMF_QAT_CLONES void draw_up_moves(const double* frac, Scalar* up, Eigen::Index m, std::uint64_t key,
                                  std::uint64_t base) {
  const Eigen::Index half = m / 2;
  for (Eigen::Index r = 0; r < half; ++r) {
    const std::uint64_t bits = mix(key ^ (base + static_cast<std::uint64_t>(r)));
    up[r] = static_cast<Scalar>(unit_interval(bits & low_bits) < frac[r]);
    up[half + r] = static_cast<Scalar>(unit_interval(bits >> 32) < frac[half + r]);
  }
  if (m % 2 != 0)
    up[m - 1] =
        static_cast<Scalar>(unit_interval(mix(key ^ (base + static_cast<std::uint64_t>(half))) &
                                          low_bits) < frac[m - 1]);
}

}  // namespace

std::uint64_t WeightQuantizer::example_draw(std::uint64_t draw, Eigen::Index example) {
  return mix(draw) + static_cast<std::uint64_t>(example) + 1;
}

template <class Scalar>
void WeightQuantizer::add_rounding_products(const Matrix<Scalar>& w, int fan_in, std::uint64_t draw,
                                            const Matrix<Scalar>& in, bool transposed,
                                            Matrix<Scalar>& out) const {
  const LayerGrid g =
      layer_grid(std::sqrt(sw2_ / fan_in), top_, spacing_, static_cast<double>(cells_));
  const Eigen::Index rows = w.rows();
  const Eigen::Index size = w.size();
  const Eigen::Index batch = in.cols();
  const auto spacing = static_cast<Scalar>(g.step);
  // Each thread takes a contiguous range of examples and goes through the
  // weights block by block: a block's fractions are computed once per thread
  // and serve all its examples while in cache. Every output element is summed
  // by one thread in a fixed order, so the result does not depend on the
  // thread count.
#pragma omp parallel if (static_cast <double>(size) * static_cast <double>(batch) > \
                         parallel_threshold)
  {
    const auto threads = static_cast<Eigen::Index>(omp_get_num_threads());
    const auto thread = static_cast<Eigen::Index>(omp_get_thread_num());
    const Eigen::Index first = batch * thread / threads;
    const Eigen::Index last = batch * (thread + 1) / threads;
    alignas(64) double frac[quantizer_block];
    alignas(64) Scalar up[quantizer_block];
    for (Eigen::Index start = 0; start < size && first < last; start += quantizer_block) {
      const Eigen::Index m = std::min(quantizer_block, size - start);
      cell_fractions(w.data() + start, frac, m, g);
      for (Eigen::Index e = first; e < last; ++e) {
        draw_up_moves(frac, up, m, mix(example_draw(draw, e)),
                      static_cast<std::uint64_t>(start / 2));
        // The block's part of each column of W it touches.
        for (Eigen::Index k = start; k < start + m;) {
          const Eigen::Index j = k / rows;
          const Eigen::Index i = k - j * rows;
          const Eigen::Index length = std::min(rows - i, start + m - k);
          const Eigen::Map<const Vector<Scalar>> moves(up + (k - start), length);
          if (transposed)
            out(j, e) += spacing * moves.dot(in.col(e).segment(i, length));
          else
            out.col(e).segment(i, length) += (spacing * in(j, e)) * moves;
          k += length;
        }
      }
    }
  }
}

template void WeightQuantizer::add_rounding_products(const Matrix<float>&, int, std::uint64_t,
                                                     const Matrix<float>&, bool,
                                                     Matrix<float>&) const;
template void WeightQuantizer::add_rounding_products(const Matrix<double>&, int, std::uint64_t,
                                                     const Matrix<double>&, bool,
                                                     Matrix<double>&) const;

}  // namespace qmf::training
