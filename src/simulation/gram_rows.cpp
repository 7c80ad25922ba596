#include "simulation/gram_rows.hpp"

namespace qmf::simulation {

namespace {

// x . y in four interleaved partial sums: vectorisable, and the same order
// wherever x and y lie in memory.
double dot(const double* x, const double* y, Eigen::Index n) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) s[k] += x[i + k] * y[i + k];
  for (; i < n; ++i) s[0] += x[i] * y[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// out(:, k) (+)= sum_j a(:, j) b(j, k), j ascending.
void product(const ConstRows& a, const Eigen::MatrixXd& b, Rows out, bool add) {
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

void RowDrawer::draw(NormalGenerator& source, Rows z) {
  const Eigen::Index rows = z.rows();
  const Eigen::Index m = z.cols();
  interleaved_.resize(static_cast<std::size_t>(rows * m));
  source.fill(interleaved_.data(), rows * m);
  for (Eigen::Index j = 0; j < m; ++j) {
    double* column = z.col(j).data();
    for (Eigen::Index i = 0; i < rows; ++i) column[i] = interleaved_[i * m + j];
  }
}

void multiply(const ConstRows& a, const Eigen::MatrixXd& b, Rows out) { product(a, b, out, false); }

void multiply_add(const ConstRows& a, const Eigen::MatrixXd& b, Rows out) {
  product(a, b, out, true);
}

void accumulate_cross(const ConstRows& a, const ConstRows& b, Eigen::MatrixXd& g) {
  for (Eigen::Index k = 0; k < a.cols(); ++k)
    for (Eigen::Index j = 0; j < b.cols(); ++j)
      g(k, j) += dot(a.col(k).data(), b.col(j).data(), a.rows());
}

void accumulate_gram(const ConstRows& a, Eigen::MatrixXd& g) {
  for (Eigen::Index k = 0; k < a.cols(); ++k)
    for (Eigen::Index j = 0; j <= k; ++j) {
      const double s = dot(a.col(k).data(), a.col(j).data(), a.rows());
      g(k, j) += s;
      if (j != k) g(j, k) += s;
    }
}

}  // namespace qmf::simulation
