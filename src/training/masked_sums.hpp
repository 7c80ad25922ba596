// The sums of per-example stochastic rounding (per_example_rounding.cpp):
// example e's part D B_e x_e (or D B_e^T x_e) over one block of weights whose
// 0/1 up-moves B_e have been drawn into a buffer. Each example has its own
// B_e, so these are matrix-vector sums, one pass over the block per example;
// bench_train's `floor` mode times them alone, with the moves given.
#pragma once

#include <Eigen/Core>

namespace qmf::training::rounding {

/// For the weights [start, start + m) of a column-major matrix with `rows`
/// rows, up[k] the 0/1 move of weight start + k: out[i] += spacing up_ij in[j]
/// (transposed: out[j] += spacing sum_i up_ij in[i]). `in` and `out` are one
/// example's columns. The sums' order does not depend on the instruction set.
template <class Scalar>
void add_masked_sums(const float* up, Eigen::Index start, Eigen::Index m, Eigen::Index rows,
                     Scalar spacing, const Scalar* in, bool transposed, Scalar* out);

}  // namespace qmf::training::rounding
