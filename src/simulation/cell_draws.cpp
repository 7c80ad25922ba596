#include "simulation/cell_draws.hpp"

#include <cmath>

#include "simulation/chi_square.hpp"
#include "simulation/gram_layer.hpp"

namespace qmf::simulation {

namespace {

// Wishart_k(dof, I) by Bartlett's decomposition A A^T, A lower triangular with
// sqrt(chi^2(dof - i)) on the diagonal and normals below it.
Eigen::MatrixXd wishart(Eigen::Index k, double dof, NormalGenerator& draw) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    a(i, i) = std::sqrt(chi_square(draw, dof - static_cast<double>(i)));
    for (Eigen::Index j = 0; j < i; ++j) draw.fill(&a(i, j), 1);
  }
  return a * a.transpose();
}

}  // namespace

GroupDraws draw_group(const CellGroup& group, Eigen::Index k, NormalGenerator& draw,
                      const CellOptions& options) {
  const Eigen::Index p = group.moments.rows();
  GroupDraws out{Eigen::MatrixXd::Zero(p, k), Eigen::MatrixXd::Zero(k, k)};
  if (group.rows.rows() > 0) {
    Eigen::VectorXd z(k), x(p);
    for (Eigen::Index r = 0; r < group.rows.rows(); ++r) {
      draw.fill(z.data(), k);
      x(0) = 1.0;
      x.tail(p - 1) = group.rows.row(r).transpose() - group.origin;
      out.t += x * z.transpose();
      out.s += z * z.transpose();
    }
    return out;
  }
  const Eigen::MatrixXd l = covariance_root(group.moments);
  Eigen::MatrixXd e(p, k);
  draw.fill(e.data(), p * k);
  Eigen::Index rank = 0;
  for (Eigen::Index i = 0; i < p; ++i) {
    if (l(i, i) == 0.0)
      e.row(i).setZero();
    else
      ++rank;
  }
  out.t = l * e;
  const double dof = group.count - (options.full_wishart ? 0.0 : static_cast<double>(rank));
  out.s = e.transpose() * e + wishart(k, dof, draw);
  return out;
}

DeltaSums delta_sums(const CellGroup& group, const GroupDraws& draws, const Eigen::MatrixXd& b,
                     const Eigen::MatrixXd& r) {
  const Eigen::Index m = group.origin.size();
  // delta_i = (z_i B + w) G with w = phi r and G = diag(g), the same for every row:
  // sum delta^T delta = G (B^T S B + B^T zs^T w + w^T zs B + n w^T w) G, zs = sum z_i;
  // sum h^T delta = (sum h_i^T z_i B + (sum h_i)^T w) G.
  const Eigen::RowVectorXd w = group.phi.transpose() * r;
  const Eigen::RowVectorXd z_sum = draws.t.row(0);
  const Eigen::RowVectorXd zb = z_sum * b;
  const Eigen::MatrixXd inner = b.transpose() * draws.s * b + zb.transpose() * w +
                                w.transpose() * zb + group.count * w.transpose() * w;
  const auto g = group.g.asDiagonal();
  const Eigen::MatrixXd hz = draws.t.bottomRows(m) + group.origin * z_sum;
  const Eigen::VectorXd h_sum = group.moments.col(0).tail(m) + group.count * group.origin;
  return {g * inner * g, (hz * b + h_sum * w) * g};
}

}  // namespace qmf::simulation
