#include "training/masked_sums.hpp"

#include <algorithm>

#include "training/rounding_bits.hpp"

namespace qmf::training::rounding {

namespace {

// out[i] += a up[i]: a product with 1 or 0, exact, so the ISA does not matter.
// The products stay: written as selects (up ? x : 0, or partial + x where
// up), the dot product below was miscompiled by GCC 12.2 at -O3 for AVX-512
// and AVX2 (wrong sums for double; tests/training/test_fused_rounding.cpp
// caught it). The fused pass's masked additions give the same bits for
// finite inputs (a move down adds 0 x = +-0 here, nothing there).
template <class Scalar>
inline void add_scaled(const float* up, Eigen::Index length, Scalar a, Scalar* out) {
  for (Eigen::Index i = 0; i < length; ++i) out[i] += a * static_cast<Scalar>(up[i]);
}

// sum_i up[i] in[i] in 16 interleaved partial sums added up in a fixed order:
// one order on every instruction set (the compiler may not reassociate).
template <class Scalar>
inline Scalar masked_dot(const float* up, const Scalar* in, Eigen::Index length) {
  constexpr Eigen::Index lanes = 16;
  Scalar partial[lanes] = {};
  Eigen::Index i = 0;
  for (; i + lanes <= length; i += lanes)
    for (Eigen::Index k = 0; k < lanes; ++k)
      partial[k] += static_cast<Scalar>(up[i + k]) * in[i + k];
  for (Eigen::Index k = 0; i + k < length; ++k)
    partial[k] += static_cast<Scalar>(up[i + k]) * in[i + k];
  for (Eigen::Index width = lanes / 2; width > 0; width /= 2)
    for (Eigen::Index k = 0; k < width; ++k) partial[k] += partial[k + width];
  return partial[0];
}

}  // namespace

// One copy per instruction set for the whole block (the helpers inlined): a
// call through the copy selector per column cost as much as a column's sum.
template <class Scalar>
QMF_QAT_CLONES void add_masked_sums(const float* up, Eigen::Index start, Eigen::Index m,
                                    Eigen::Index rows, Scalar spacing, const Scalar* in,
                                    bool transposed, Scalar* out) {
  // The block's part of each column it touches.
  for (Eigen::Index k = start; k < start + m;) {
    const Eigen::Index j = k / rows;
    const Eigen::Index i = k - j * rows;
    const Eigen::Index length = std::min(rows - i, start + m - k);
    if (transposed)
      out[j] += spacing * masked_dot(up + (k - start), in + i, length);
    else
      add_scaled(up + (k - start), length, spacing * in[j], out + i);
    k += length;
  }
}

template void add_masked_sums(const float*, Eigen::Index, Eigen::Index, Eigen::Index, float,
                              const float*, bool, float*);
template void add_masked_sums(const float*, Eigen::Index, Eigen::Index, Eigen::Index, double,
                              const double*, bool, double*);

}  // namespace qmf::training::rounding
