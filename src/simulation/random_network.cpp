#include "simulation/random_network.hpp"

#include <cmath>

#include "simulation/activate.hpp"
#include "simulation/dense_layer.hpp"
#include "simulation/net_inputs.hpp"

namespace qmf::simulation {

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
  const auto weights = shared_weight_draws(s.weights, static_cast<int>(h[0].cols()));
  Eigen::MatrixXd x;
  for (int l = 1; l <= depth; ++l) {
    s.interrupt.poll();
    x = activate(phi, h[l - 1]);
    DenseLayer(s.seed, net, l, s.init.sw2, s.init.sb2, s.width, weights).forward(x, h[l]);
    record_forward_statistics(h[l], l, m);
  }
  if (!s.backward) return m;

  Eigen::MatrixXd delta, back;
  const double unit = start_backward(s, net, h[depth].cols(), delta, m);
  for (int l = depth; l >= 1; --l) {
    s.interrupt.poll();
    DenseLayer(s.seed, net, l, s.init.sw2, s.init.sb2, s.width, weights).backward(delta, back);
    step_backward(g, back, h[l - 1], l, unit, delta, m);
  }
  return m;
}

}  // namespace qmf::simulation
