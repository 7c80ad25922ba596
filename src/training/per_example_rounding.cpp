// Per-example stochastic rounding's products (WeightQuantizer::
// add_rounding_products): example e's weights are L + D B_e, and the part
// D B_e x_e (or D B_e^T x_e) is summed here, B_e regenerated from the keyed
// hash block by block rather than stored (batch x the weights would not fit
// at width 1024 and depth 100).
//
// The draws (the layout is what the tests reimplement): weight s + r of a
// block starting at s is up with probability P / 2^48, P = floor(f 2^48) for
// its fraction f of its cell. Its uniform u is 16 bits: in the group of 32
// weights r = 32 g + l, the eight hashes mix(key ^ (s/4 + 8 g + c)), c < 8,
// are read as sixteen 32-bit words (word j = bits 32 (j mod 2) of hash j/2),
// and weight l < 16 takes the low 16 bits of word l, weight 16 + l the high
// 16 bits. Up when u < P >> 32; on a tie u = P >> 32 (probability 2^-16)
// when the low 32 bits of mix(mix(key ^ per_example_tie_salt) ^ (s + r)) are
// below the low 32 bits of P. Four uniforms per hash (the shared rounding's
// 32-bit uniforms take two) and integer comparisons: the hash is most of the
// cost. With AVX-512 or AVX2, matrices whose columns hold whole groups of 32
// take a fused pass (fused_rounding_avx512.cpp, fused_rounding_avx2.cpp): the
// same moves and sums.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "qmf/training/weight_quantizer.hpp"
#include "training/elementwise.hpp"
#include "training/fused_rounding_avx2.hpp"
#include "training/fused_rounding_avx512.hpp"
#include "training/masked_sums.hpp"
#include "training/per_example_draws_avx2.hpp"
#include "training/rounding_bits.hpp"
#include "training/stochastic_rounding_avx2.hpp"

namespace qmf::training {

using namespace rounding;

namespace {

// 64-byte vectors: one AVX-512 register, two AVX2 or four SSE2 ones, the same
// lanes and the same bits on each.
using Hashes = std::uint64_t __attribute__((vector_size(64)));
using Words = std::uint32_t __attribute__((vector_size(64)));
constexpr Eigen::Index group = 32;

// high[r] = the top 16 bits of P = floor(f 2^48) (rounding_bits.hpp) for
// the block's m weights; 0 from m to the end of the last group (never up).
// Weights [from, m) (the AVX2 copy does those before `from`).
template <class Scalar>
QMF_QAT_CLONES_BUT_AVX2 void thresholds(const Scalar* latent, std::uint32_t* high, Eigen::Index m,
                                        LayerGrid g, Eigen::Index from) {
  for (Eigen::Index r = from; r < m; ++r)
    high[r] = static_cast<std::uint32_t>(
        static_cast<std::int32_t>(threshold_top(static_cast<double>(latent[r]), g)));
  for (Eigen::Index r = m; r % group != 0; ++r) high[r] = 0;
}

inline bool any_lane(const Words& lanes) {
  std::uint32_t any = 0;
  for (int j = 0; j < 16; ++j) any |= lanes[j];
  return any != 0;
}

// The uniforms of the group of 32 weights at r (halves[0]: the first 16).
inline void group_uniforms(std::uint64_t key, std::uint64_t base, Eigen::Index r,
                           Words (&halves)[2]) {
  const Hashes lanes = {0, 1, 2, 3, 4, 5, 6, 7};
  Hashes hashes = key ^ (base + static_cast<std::uint64_t>(r / 4) + lanes);
  mix_in_place(hashes);
  Words words;
  std::memcpy(&words, &hashes, sizeof words);
  halves[0] = words & 0xffffu;
  halves[1] = words >> 16;
}

// up[r] = 1{u_r < high[r]} (1.0f or 0.0f) for the groups covering m weights;
// true if some u_r = high[r] (a tie, to be resolved).
QMF_QAT_CLONES_BUT_AVX2 bool draw_up_moves(const std::uint32_t* high, float* up, Eigen::Index m,
                                           std::uint64_t key, std::uint64_t base) {
  const Words one = Words{} + 0x3f800000u;  // the bits of 1.0f
  Words ties = {};
  for (Eigen::Index r = 0; r < m; r += group) {
    Words halves[2];
    group_uniforms(key, base, r, halves);
    for (int h = 0; h < 2; ++h) {
      Words limit;
      std::memcpy(&limit, high + r + 16 * h, sizeof limit);
      ties |= (Words)(halves[h] == limit);
      const Words moves = halves[h] < limit ? one : Words{};
      std::memcpy(up + r + 16 * h, &moves, sizeof moves);
    }
  }
  return any_lane(ties);
}

// The ties' moves from 32 more bits each (rare: the block's uniforms are
// drawn again to find them).
template <class Scalar>
QMF_QAT_CLONES void resolve_ties(const std::uint32_t* high, const Scalar* latent, LayerGrid g,
                                 float* up, Eigen::Index m, std::uint64_t key, std::uint64_t base,
                                 std::uint64_t start) {
  const std::uint64_t tie_key = mix(key ^ per_example_tie_salt);
  for (Eigen::Index r = 0; r < m; r += group) {
    Words halves[2];
    group_uniforms(key, base, r, halves);
    Words limits[2];
    std::memcpy(limits, high + r, sizeof limits);
    const Words ties = (Words)(halves[0] == limits[0]) | (Words)(halves[1] == limits[1]);
    if (!any_lane(ties)) continue;  // the group's lanes one by one only where a tie is
    for (Eigen::Index k = 0; k < group && r + k < m; ++k) {
      const Eigen::Index i = r + k;
      if (halves[k / 16][k % 16] != high[i]) continue;
      const auto bits =
          static_cast<std::uint32_t>(mix(tie_key ^ (start + static_cast<std::uint64_t>(i))));
      up[i] = bits < tie_threshold(static_cast<double>(latent[i]), g) ? 1.0f : 0.0f;
    }
  }
}

// The fused pass of the CPU's widest vectors, where the matrix's columns
// hold whole groups of 32; none otherwise.
template <class Scalar>
FusedPass<Scalar> fused_pass(Eigen::Index rows) {
  if (!fusable(rows)) return nullptr;
  if (runs_avx512_rounding()) return &add_fused_rounding_sums_avx512<Scalar>;
  if (runs_avx2_rounding()) return &add_fused_rounding_sums_avx2<Scalar>;
  return nullptr;
}

}  // namespace

std::uint64_t WeightQuantizer::example_draw(std::uint64_t draw, Eigen::Index example) {
  return mix(draw) + static_cast<std::uint64_t>(example) + 1;
}

template <class Scalar>
void WeightQuantizer::add_rounding_products(const Matrix<Scalar>& w, int fan_in, std::uint64_t draw,
                                            const Matrix<Scalar>& in, bool transposed,
                                            Matrix<Scalar>& out) const {
  static_assert(quantizer_block % group == 0);
  const LayerGrid g =
      layer_grid(std::sqrt(sw2_ / fan_in), top_, spacing_, static_cast<double>(cells_));
  const Eigen::Index size = w.size();
  const Eigen::Index batch = in.cols();
  const auto spacing = static_cast<Scalar>(g.step);
  const FusedPass<Scalar> fused = fused_pass<Scalar>(w.rows());
  // Each thread takes a contiguous range of examples and goes through the
  // weights block by block: a block's thresholds are computed once per thread
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
    alignas(64) std::uint32_t high[quantizer_block];
    alignas(64) float up[quantizer_block];
    for (Eigen::Index start = 0; start < size && first < last; start += quantizer_block) {
      const Eigen::Index m = std::min(quantizer_block, size - start);
      const Eigen::Index done =
          runs_avx2_rounding() ? thresholds_avx2(w.data() + start, high, m, g) : 0;
      thresholds(w.data() + start, high, m, g, done);
      for (Eigen::Index e = first; e < last; ++e) {
        const std::uint64_t key = mix(example_draw(draw, e));
        const auto base = static_cast<std::uint64_t>(start / 4);
        if (fused != nullptr) {
          fused(high, w.data() + start, g, start, m, w.rows(), key, base, spacing, in.col(e).data(),
                transposed, out.col(e).data());
          continue;
        }
        const bool tie = runs_avx2_rounding() ? draw_up_moves_avx2(high, up, m, key, base)
                                              : draw_up_moves(high, up, m, key, base);
        if (tie)
          resolve_ties(high, w.data() + start, g, up, m, key, base,
                       static_cast<std::uint64_t>(start));
        add_masked_sums(up, start, m, w.rows(), spacing, in.col(e).data(), transposed,
                        out.col(e).data());
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
