#include "simulation/net_inputs.hpp"

#include <cmath>

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

// Random orthonormal directions e_0..e_k (Gram-Schmidt on Gaussian columns),
// then x_(p+1) = sqrt(n q0) (c e_0 + sqrt(1 - c^2) e_(p+1)).
Eigen::MatrixXd input_pre_activations(const SimulationSettings& s, int net) {
  const int n = s.width;
  const auto columns = static_cast<Eigen::Index>(s.c0.size() + 1);
  NormalGenerator draw(s.seed, net, 0, Stream::inputs);
  Eigen::MatrixXd e(n, columns);
  draw.fill(e.data(), e.size());
  for (Eigen::Index k = 0; k < columns; ++k) {
    for (Eigen::Index j = 0; j < k; ++j) e.col(k) -= e.col(j).dot(e.col(k)) * e.col(j);
    e.col(k).normalize();
  }
  const double radius = std::sqrt(n * s.q0);
  Eigen::MatrixXd h(n, columns);
  h.col(0) = radius * e.col(0);
  for (std::size_t p = 0; p < s.c0.size(); ++p) {
    const double c = s.c0[p];
    h.col(p + 1) = radius * (c * e.col(0) + std::sqrt(1.0 - c * c) * e.col(p + 1));
  }
  return h;
}

void record_forward_statistics(const Eigen::MatrixXd& h, int layer, NetMeasurement& m) {
  const Eigen::VectorXd squared = h.colwise().squaredNorm().transpose();
  m.q[layer] = squared.mean() / static_cast<double>(h.rows());
  const auto pairs = h.cols() - 1;
  for (Eigen::Index p = 0; p < pairs; ++p)
    m.c[layer * pairs + p] = correlation(h.col(0).dot(h.col(p + 1)), squared[0], squared[p + 1]);
}

double start_backward(const SimulationSettings& s, int net, Eigen::Index columns,
                      Eigen::MatrixXd& delta, NetMeasurement& m) {
  Eigen::VectorXd direction(s.width);
  NormalGenerator(s.seed, net, s.depth, Stream::output_gradient).fill(direction.data(), s.width);
  delta = direction.replicate(1, columns);
  m.grad.resize(s.depth + 1);
  m.grad[s.depth] = 1.0;
  return direction.squaredNorm();
}

void step_backward(const BackwardDerivative& g, const Eigen::MatrixXd& back,
                   const Eigen::MatrixXd& h_below, int l, double unit, Eigen::MatrixXd& delta,
                   NetMeasurement& m) {
  delta.resize(back.rows(), back.cols());
  for (Eigen::Index k = 0; k < back.cols(); ++k)
    g.values(h_below.col(k).data(), delta.col(k).data(), static_cast<std::size_t>(back.rows()));
  delta.array() *= back.array();
  m.grad[l - 1] = delta.colwise().squaredNorm().mean() / unit;
}

}  // namespace qmf::simulation
