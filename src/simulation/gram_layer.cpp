#include "simulation/gram_layer.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

#include "simulation/gram_rows.hpp"

namespace qmf::simulation {

namespace {

// Eigenvalues below this fraction of the largest count as zero: a Gram matrix
// of exactly dependent columns (sign nets whose inputs have become identical)
// comes out of the eigensolver with eigenvalues of order epsilon, not 0.
constexpr double rank_tolerance = 64.0 * std::numeric_limits<double>::epsilon();

// The Moore-Penrose inverse of a symmetric positive semidefinite k.
Eigen::MatrixXd pseudo_inverse(const Eigen::MatrixXd& k) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(k);
  const Eigen::VectorXd& values = eigen.eigenvalues();
  const double cut = rank_tolerance * static_cast<double>(k.rows()) * values.cwiseAbs().maxCoeff();
  const Eigen::VectorXd inverse =
      values.unaryExpr([cut](double v) { return v > cut ? 1.0 / v : 0.0; });
  return eigen.eigenvectors() * inverse.asDiagonal() * eigen.eigenvectors().transpose();
}

// The stream's next n x m draws, row by row.
Eigen::MatrixXd draw_rows(NormalGenerator& draw, Eigen::Index n, Eigen::Index m) {
  Eigen::MatrixXd z(n, m);
  RowDrawer().draw(draw, z);
  return z;
}

}  // namespace

// The lower-triangular (Cholesky) root, with a pivot at or below the rank
// tolerance taking a zero column: the semidefinite matrices that identical
// inputs produce have such pivots, and for a positive semidefinite k the rest
// of that row and column of the Schur complement vanishes too. Unlike an
// eigenvector basis, whose signs may flip when k changes in its last bits
// (and with them every draw), this root changes by as little as k does, so
// sums taken in another order give the same draws to rounding.
Eigen::MatrixXd covariance_root(const Eigen::MatrixXd& k) {
  const Eigen::Index m = k.rows();
  const double cut = rank_tolerance * static_cast<double>(m) * k.diagonal().cwiseAbs().maxCoeff();
  Eigen::MatrixXd f = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index j = 0; j < m; ++j) {
    double pivot = k(j, j);
    for (Eigen::Index p = 0; p < j; ++p) pivot -= f(j, p) * f(j, p);
    if (!(pivot > cut)) continue;
    f(j, j) = std::sqrt(pivot);
    for (Eigen::Index i = j + 1; i < m; ++i) {
      double s = k(i, j);
      for (Eigen::Index p = 0; p < j; ++p) s -= f(i, p) * f(j, p);
      f(i, j) = s / f(j, j);
    }
  }
  return f;
}

GramLayer::GramLayer(std::uint64_t seed, int net, int layer, double sw2, double sb2, int width)
    : seed_(seed),
      net_(net),
      layer_(layer),
      weight_variance_(sw2 / width),
      bias_variance_(sb2),
      width_(width) {}

Eigen::MatrixXd GramLayer::covariance_of_gram(const Eigen::MatrixXd& gram) const {
  return weight_variance_ * gram +
         Eigen::MatrixXd::Constant(gram.rows(), gram.cols(), bias_variance_);
}

Eigen::MatrixXd GramLayer::covariance(const Eigen::MatrixXd& phi) const {
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(phi.cols(), phi.cols());
  accumulate_gram(phi, gram);
  return covariance_of_gram(gram);
}

NormalGenerator GramLayer::forward_stream() const {
  return {seed_, static_cast<std::uint64_t>(net_), static_cast<std::uint64_t>(layer_),
          Stream::gram_forward};
}

NormalGenerator GramLayer::backward_stream() const {
  return {seed_, static_cast<std::uint64_t>(net_), static_cast<std::uint64_t>(layer_),
          Stream::gram_backward};
}

Eigen::MatrixXd GramLayer::precision(const Eigen::MatrixXd& k) const {
  return weight_variance_ * pseudo_inverse(k);
}

Eigen::MatrixXd GramLayer::noise_weights(const Eigen::MatrixXd& d_gram) const {
  return std::sqrt(weight_variance_) * covariance_root(d_gram).transpose();
}

Eigen::MatrixXd GramLayer::correction(NormalGenerator& backward,
                                      const Eigen::MatrixXd& noise_weights,
                                      const Eigen::MatrixXd& h_d, const Eigen::MatrixXd& phi_z,
                                      const Eigen::MatrixXd& precision) const {
  const auto m = noise_weights.rows();
  Eigen::VectorXd xi(m);
  backward.fill(xi.data(), m);
  // eta = sqrt(sb2) R xi with R = B^T / sqrt(sw2/n).
  const Eigen::VectorXd eta =
      std::sqrt(bias_variance_ / weight_variance_) * (noise_weights.transpose() * xi);
  Eigen::MatrixXd residual = h_d - phi_z * noise_weights;
  residual.rowwise() -= eta.transpose();
  return precision * residual;
}

void GramLayer::forward(const Eigen::MatrixXd& k, Eigen::MatrixXd& h) const {
  NormalGenerator draw = forward_stream();
  h.resize(width_, k.cols());
  multiply(draw_rows(draw, width_, k.cols()), covariance_root(k).transpose(), h);
}

void GramLayer::backward(const Eigen::MatrixXd& phi, const Eigen::MatrixXd& h,
                         const Eigen::MatrixXd& d, Eigen::MatrixXd& a) const {
  NormalGenerator draw = backward_stream();
  const auto m = d.cols();
  Eigen::MatrixXd d_gram = Eigen::MatrixXd::Zero(m, m);
  accumulate_gram(d, d_gram);
  const Eigen::MatrixXd b = noise_weights(d_gram);
  const Eigen::MatrixXd z = draw_rows(draw, width_, m);
  Eigen::MatrixXd h_d = Eigen::MatrixXd::Zero(m, m);
  Eigen::MatrixXd phi_z = Eigen::MatrixXd::Zero(m, m);
  accumulate_cross(h, d, h_d);
  accumulate_cross(phi, z, phi_z);
  const Eigen::MatrixXd r = correction(draw, b, h_d, phi_z, precision(covariance(phi)));
  a.resize(width_, m);
  multiply(z, b, a);
  multiply_add(phi, r, a);
}

}  // namespace qmf::simulation
