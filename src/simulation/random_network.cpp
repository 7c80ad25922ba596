#include "simulation/random_network.hpp"

#include <cmath>

#include "simulation/dense_layer.hpp"

namespace qmf::simulation {

namespace {

// Pre-activations h^0 (n x (pairs + 1)) with empirical variance exactly q0 and
// correlation exactly c0[p] between column 0 and column p + 1: random
// orthonormal directions e_0..e_k (Gram-Schmidt on Gaussian columns), then
// x_(p+1) = sqrt(n q0) (c e_0 + sqrt(1 - c^2) e_(p+1)).
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
    m.c[layer * pairs + p] = h.col(0).dot(h.col(p + 1)) / std::sqrt(squared[0] * squared[p + 1]);
}

}  // namespace

NetMeasurement measure_random_net(const Activation& phi, const BackwardDerivative& g,
                                  const SimulationSettings& s, int net) {
  const int depth = s.depth;
  const auto pairs = s.c0.size();
  NetMeasurement m;
  m.q.resize(depth + 1);
  m.c.resize((depth + 1) * pairs);

  std::vector<Eigen::MatrixXd> h(depth + 1);
  h[0] = input_pre_activations(s, net);
  record_forward_statistics(h[0], 0, m);
  Eigen::MatrixXd x;
  for (int l = 1; l <= depth; ++l) {
    x = h[l - 1].unaryExpr([&](double u) { return phi.value(u); });
    DenseLayer(s.seed, net, l, s.init.sw2, s.init.sb2, s.width, s.weights).forward(x, h[l]);
    record_forward_statistics(h[l], l, m);
  }
  if (!s.backward) return m;

  // The same direction at the last layer for every input.
  Eigen::VectorXd direction(s.width);
  NormalGenerator(s.seed, net, depth, Stream::output_gradient).fill(direction.data(), s.width);
  Eigen::MatrixXd delta = direction.replicate(1, h[depth].cols());
  const double last = direction.squaredNorm();
  m.grad.resize(depth + 1);
  m.grad[depth] = 1.0;
  Eigen::MatrixXd back;
  for (int l = depth; l >= 1; --l) {
    DenseLayer(s.seed, net, l, s.init.sw2, s.init.sb2, s.width, s.weights).backward(delta, back);
    delta = back.cwiseProduct(h[l - 1].unaryExpr([&](double u) { return g(u); }));
    m.grad[l - 1] = delta.colwise().squaredNorm().mean() / last;
  }
  return m;
}

}  // namespace qmf::simulation
