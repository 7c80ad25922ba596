#include "simulation/gram_rows.hpp"

#include <algorithm>

#include "numerics/avx2_clones.hpp"

// The kernels are compiled for AVX2 and the baseline: the AVX2 clone keeps
// dot()'s four partial sums in one register, so the bits do not depend on the
// CPU. (An AVX-512 clone would split the four sums across lanes and add them
// one by one: slower.)
#define QMF_CLONES QMF_AVX2_CLONES

namespace qmf::simulation {

namespace {

// x . y in four interleaved partial sums: vectorisable, and the same order
// wherever x and y lie in memory.
[[gnu::always_inline]] inline double dot(const double* x, const double* y, Eigen::Index n) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) s[k] += x[i + k] * y[i + k];
  for (; i < n; ++i) s[0] += x[i] * y[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// out(:, k) (+)= sum_j a(:, j) b(j, k), j ascending.
[[gnu::always_inline]] inline void product(const ConstRows& a, const Eigen::MatrixXd& b, Rows out,
                                           bool add) {
  const Eigen::Index rows = a.rows();
  for (Eigen::Index k = 0; k < b.cols(); ++k) {
    double* o = out.col(k).data();
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      const double* x = a.col(j).data();
      const double w = b(j, k);
      if (j == 0 && !add)
        for (Eigen::Index i = 0; i < rows; ++i) o[i] = x[i] * w;
      else
        for (Eigen::Index i = 0; i < rows; ++i) o[i] += x[i] * w;
    }
  }
}

}  // namespace

// The stream fills a block's columns one after the other: the draws land
// where they are used, with no transposition, and the order depends only on
// how n splits into blocks of gram_block_rows, which is fixed.
QMF_CLONES void RowDrawer::draw(NormalGenerator& source, Rows z) {
  for (Eigen::Index first = 0; first < z.rows(); first += gram_block_rows) {
    const Eigen::Index rows = std::min(gram_block_rows, z.rows() - first);
    for (Eigen::Index j = 0; j < z.cols(); ++j) source.fill(z.col(j).data() + first, rows);
  }
}

QMF_CLONES void RowDrawer::draw_times(NormalGenerator& source, const Eigen::MatrixXd& b, Rows out) {
  const Eigen::Index m = b.rows();
  block_.resize(std::min(gram_block_rows, out.rows()), m);
  for (Eigen::Index first = 0; first < out.rows(); first += gram_block_rows) {
    const Eigen::Index rows = std::min(gram_block_rows, out.rows() - first);
    auto z = block_.topRows(rows);
    draw(source, z);
    product(z, b, out.middleRows(first, rows), false);
  }
}

QMF_CLONES void multiply(const ConstRows& a, const Eigen::MatrixXd& b, Rows out) {
  product(a, b, out, false);
}

QMF_CLONES void multiply_add(const ConstRows& a, const Eigen::MatrixXd& b, Rows out) {
  product(a, b, out, true);
}

QMF_CLONES void accumulate_cross(const ConstRows& a, const ConstRows& b, Eigen::MatrixXd& g) {
  for (Eigen::Index k = 0; k < a.cols(); ++k)
    for (Eigen::Index j = 0; j < b.cols(); ++j)
      g(k, j) += dot(a.col(k).data(), b.col(j).data(), a.rows());
}

QMF_CLONES void accumulate_gram(const ConstRows& a, Eigen::MatrixXd& g) {
  for (Eigen::Index k = 0; k < a.cols(); ++k)
    for (Eigen::Index j = 0; j <= k; ++j) {
      const double s = dot(a.col(k).data(), a.col(j).data(), a.rows());
      g(k, j) += s;
      if (j != k) g(j, k) += s;
    }
}

}  // namespace qmf::simulation
