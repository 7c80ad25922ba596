// The fused passes of per-example rounding (draws and sums in one; AVX-512
// and AVX2) against the moves drawn weight by weight from the layout stated
// in src/training/per_example_rounding.cpp and summed by add_masked_sums: the
// same bits, forward and transposed, float and double, on matrices whose
// columns cross the uniform blocks, with ties. Each pass is skipped (passing)
// on a CPU without its instructions, where it never runs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "qmf/training/weight_quantizer.hpp"
#include "training/fused_rounding_avx2.hpp"
#include "training/fused_rounding_avx512.hpp"
#include "training/masked_sums.hpp"
#include "training/rounding_bits.hpp"

using namespace qmf::training;
using namespace qmf::training::rounding;

namespace {

// Whether weight r of the block starting at `start` moves up under `key`,
// its fraction of its cell being f: the layout, weight by weight.
bool moves_up(std::uint64_t key, Eigen::Index start, Eigen::Index r, double f, long& ties) {
  const Eigen::Index group = r / 32, lane = r % 32, word = lane % 16;
  const std::uint64_t hash =
      mix(key ^ static_cast<std::uint64_t>(start / 4 + 8 * group + word / 2));
  const auto bits = static_cast<std::uint32_t>(hash >> (32 * (word % 2)));
  const std::uint32_t u = lane < 16 ? bits & 0xffffu : bits >> 16;
  const auto p = static_cast<std::uint64_t>(std::ldexp(f, 48));
  if (u != p >> 32) return u < p >> 32;
  ++ties;
  const std::uint64_t tie_key = mix(key ^ per_example_tie_salt);
  return static_cast<std::uint32_t>(mix(tie_key ^ static_cast<std::uint64_t>(start + r))) <
         static_cast<std::uint32_t>(p);
}

// Both routes, the fused one by `pass`, over every block of a rows x columns
// matrix for `keys` examples; the number of outputs that differ in any bit.
template <class Scalar>
long differing_outputs(FusedPass<Scalar> pass, Eigen::Index rows, Eigen::Index columns,
                       bool transposed, int keys, long& ties) {
  std::mt19937_64 random(static_cast<std::uint64_t>(rows * 7919 + columns));
  std::normal_distribution<double> normal;
  const Eigen::Index size = rows * columns;
  // bits:4 at clip 2 (the grid of layer_grid with sigma 1): 15 cells over
  // [-2, 2], weights beyond it clipped (fraction 0).
  const LayerGrid g = layer_grid(1.0, 2.0, 4.0 / 15.0, 15.0);
  std::vector<Scalar> latent(static_cast<std::size_t>(size));
  std::vector<std::uint32_t> high(latent.size());
  for (std::size_t k = 0; k < latent.size(); ++k) {
    latent[k] = static_cast<Scalar>(normal(random));
    const double t = std::clamp(static_cast<double>(latent[k]) * g.scale + g.offset, 0.0, g.cells);
    high[k] = static_cast<std::uint32_t>(std::ldexp(t - std::floor(t), 16));
  }
  const Eigen::Index in_size = transposed ? rows : columns;
  const Eigen::Index out_size = transposed ? columns : rows;
  long differing = 0;
  for (int e = 0; e < keys; ++e) {
    const std::uint64_t key = mix(static_cast<std::uint64_t>(e) + 12345);
    std::vector<Scalar> in(static_cast<std::size_t>(in_size));
    std::vector<Scalar> fused(static_cast<std::size_t>(out_size));
    for (auto& x : in) x = static_cast<Scalar>(normal(random));
    for (auto& x : fused) x = static_cast<Scalar>(normal(random));
    std::vector<Scalar> direct = fused;
    const auto spacing = static_cast<Scalar>(0.37);
    for (Eigen::Index start = 0; start < size; start += quantizer_block) {
      const Eigen::Index m = std::min(quantizer_block, size - start);
      std::vector<float> up(static_cast<std::size_t>(m));
      for (Eigen::Index r = 0; r < m; ++r) {
        const auto k = static_cast<std::size_t>(start + r);
        const double t =
            std::clamp(static_cast<double>(latent[k]) * g.scale + g.offset, 0.0, g.cells);
        up[static_cast<std::size_t>(r)] = moves_up(key, start, r, t - std::floor(t), ties) ? 1 : 0;
      }
      add_masked_sums(up.data(), start, m, rows, spacing, in.data(), transposed, direct.data());
      pass(high.data() + start, latent.data() + start, g, start, m, rows, key,
           static_cast<std::uint64_t>(start / 4), spacing, in.data(), transposed, fused.data());
    }
    for (Eigen::Index i = 0; i < out_size; ++i)
      differing += std::memcmp(&fused[i], &direct[i], sizeof(Scalar)) != 0 ? 1 : 0;
  }
  return differing;
}

// The fused pass for float and for double against the unfused route.
void check_against_unfused(FusedPass<float> for_float, FusedPass<double> for_double) {
  // 96 x 50: 4800 weights, blocks of 2048 end inside columns; 32 x 70 and
  // 64 x 64: blocks end on column boundaries. 200 keys: ~1.5e7 draws in all,
  // about 230 ties at probability 2^-16.
  long ties = 0;
  for (const auto& [rows, columns] : {std::pair{96, 50}, {32, 70}, {64, 64}})
    for (const bool transposed : {false, true}) {
      INFO(rows << " x " << columns << (transposed ? ", transposed" : ""));
      CHECK(differing_outputs(for_float, rows, columns, transposed, 200, ties) == 0);
      CHECK(differing_outputs(for_double, rows, columns, transposed, 200, ties) == 0);
    }
  CHECK(ties > 50);
}

}  // namespace

TEST_CASE("the fused AVX-512 pass gives the bits of the moves drawn one by one and summed") {
  if (!runs_avx512_rounding()) return;
  check_against_unfused(&add_fused_rounding_sums_avx512<float>,
                        &add_fused_rounding_sums_avx512<double>);
}

// Called directly: the library runs it only without AVX-512 (or under
// valgrind, which hides AVX-512).
TEST_CASE("the fused AVX2 pass gives the bits of the moves drawn one by one and summed") {
  if (__builtin_cpu_supports("avx2") == 0) return;
  check_against_unfused(&add_fused_rounding_sums_avx2<float>,
                        &add_fused_rounding_sums_avx2<double>);
}
