// Element-wise loops over a matrix, split between the OpenMP threads in fixed
// contiguous chunks (so the result never depends on the schedule).
#pragma once

#include <Eigen/Core>

namespace qmf::training {

/// Below this many elements the loop runs on the calling thread alone.
constexpr Eigen::Index parallel_threshold = 1 << 14;

/// out = f(in) element by element (f takes and returns double).
template <class Derived, class Out, class F>
void map_elements(const Eigen::MatrixBase<Derived>& in, Out& out, F f) {
  using Scalar = typename Out::Scalar;
  out.resize(in.rows(), in.cols());
  const Eigen::Index size = in.size();
  const Scalar* source = in.derived().data();
  Scalar* target = out.data();
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i)
    target[i] = static_cast<Scalar>(f(static_cast<double>(source[i])));
}

/// inout *= f(by) element by element.
template <class Matrix, class F>
void scale_elements(Matrix& inout, const Matrix& by, F f) {
  using Scalar = typename Matrix::Scalar;
  const Eigen::Index size = inout.size();
  Scalar* target = inout.data();
  const Scalar* source = by.data();
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
  for (Eigen::Index i = 0; i < size; ++i)
    target[i] *= static_cast<Scalar>(f(static_cast<double>(source[i])));
}

}  // namespace qmf::training
