#include "simulation/gram_layer.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Eigenvalues below this fraction of the largest count as zero: a Gram matrix
// of exactly dependent columns (sign nets whose inputs have become identical)
// comes out of the eigensolver with eigenvalues of order epsilon, not 0.
constexpr double rank_tolerance = 64.0 * std::numeric_limits<double>::epsilon();

// F with F F^T = k for a symmetric positive semidefinite k (eigenvalues
// rounded below zero are clamped): a Cholesky factor would fail on the
// semidefinite matrices that identical inputs produce.
Eigen::MatrixXd square_root(const Eigen::MatrixXd& k) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(k);
  const Eigen::VectorXd root = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return eigen.eigenvectors() * root.asDiagonal();
}

// The Moore-Penrose inverse of a symmetric positive semidefinite k.
Eigen::MatrixXd pseudo_inverse(const Eigen::MatrixXd& k) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(k);
  const Eigen::VectorXd& values = eigen.eigenvalues();
  const double cut = rank_tolerance * static_cast<double>(k.rows()) * values.cwiseAbs().maxCoeff();
  const Eigen::VectorXd inverse =
      values.unaryExpr([cut](double v) { return v > cut ? 1.0 / v : 0.0; });
  return eigen.eigenvectors() * inverse.asDiagonal() * eigen.eigenvectors().transpose();
}

// out (n x m) with independent rows F z, z ~ N(0, I_m). The normals are drawn
// a block of rows at a time into a buffer that stays in cache, row by row, so
// the stream's order does not depend on n.
void draw_rows(NormalGenerator& draw, const Eigen::MatrixXd& f, Eigen::MatrixXd& out) {
  constexpr Eigen::Index block = 256;
  const Eigen::Index n = out.rows();
  const Eigen::Index m = out.cols();
  std::vector<double> buffer(static_cast<std::size_t>(block * m));
  const Eigen::MatrixXd ft = f.transpose();
  for (Eigen::Index first = 0; first < n; first += block) {
    const Eigen::Index rows = std::min(block, n - first);
    draw.fill(buffer.data(), rows * m);
    const Eigen::Map<const RowMajor> z(buffer.data(), rows, m);
    out.middleRows(first, rows).noalias() = z.lazyProduct(ft);
  }
}

}  // namespace

GramLayer::GramLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_variance_(sw2 / width),
      bias_variance_(sb2),
      width_(width) {}

Eigen::MatrixXd GramLayer::covariance(const Eigen::MatrixXd& phi) const {
  const auto m = phi.cols();
  return weight_variance_ * (phi.transpose() * phi) +
         Eigen::MatrixXd::Constant(m, m, bias_variance_);
}

void GramLayer::forward(const Eigen::MatrixXd& k, Eigen::MatrixXd& h) const {
  NormalGenerator draw(seed_, net_, layer_, Stream::gram_forward);
  h.resize(width_, k.cols());
  draw_rows(draw, square_root(k), h);
}

void GramLayer::backward(const Eigen::MatrixXd& phi, const Eigen::MatrixXd& h,
                         const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  NormalGenerator draw(seed_, net_, layer_, Stream::gram_backward);
  const auto m = d.cols();
  const Eigen::MatrixXd root = square_root(d.transpose() * d);
  // Y = sqrt(sw2/n) Z^T D: its rows are independent N(0, (sw2/n) D^T D).
  a.resize(width_, m);
  draw_rows(draw, std::sqrt(weight_variance_) * root, a);
  // eta^T = sqrt(sb2) xi^T D, the bias's share of the conditioning.
  Eigen::VectorXd z(m);
  draw.fill(z.data(), m);
  const Eigen::VectorXd eta = std::sqrt(bias_variance_) * (root * z);
  Eigen::MatrixXd residual = h.transpose() * d - phi.transpose() * a;
  residual.rowwise() -= eta.transpose();
  const Eigen::MatrixXd r = weight_variance_ * (pseudo_inverse(covariance(phi)) * residual);
  a.noalias() += phi * r;
}

}  // namespace qmf::simulation
