// The Gram-matrix layer (src/simulation/gram_layer.*) against drawing every
// weight: exact identities and the row-block net against whole-matrix layers.
// The two-sample tests of the distributions are in test_gram_distribution.cpp.
#include <Eigen/Dense>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "qmf/simulation/simulate.hpp"
#include "simulation/dense_layer.hpp"
#include "simulation/gram_layer.hpp"
#include "simulation/gram_network.hpp"
#include "simulation/net_inputs.hpp"
#include "simulation/normal_generator.hpp"
#include "simulation/random_network.hpp"
#include "support/ks_test.hpp"

namespace {

using qmf::SimulationSettings;
using qmf::simulation::GramOptions;
using qmf::simulation::NetMeasurement;
using qmf::testing::ks_p_value;

SimulationSettings settings(double sw2, double sb2, int width, int depth) {
  SimulationSettings s;
  s.init = {sw2, sb2};
  s.width = width;
  s.depth = depth;
  s.seed = 314159;
  return s;
}

Eigen::MatrixXd gaussian(int rows, int cols, std::uint64_t key) {
  Eigen::MatrixXd x(rows, cols);
  qmf::simulation::NormalGenerator(key, 0, 0, qmf::simulation::Stream::inputs)
      .fill(x.data(), x.size());
  return x;
}

}  // namespace

TEST_CASE("a Gram layer's backward pass reproduces the forward constraint", "[gram]") {
  // Without biases, W Phi = H holds exactly, so Phi^T (W^T D) = H^T D for every
  // draw of the unconstrained part: a wrong projection or scale breaks it.
  constexpr int n = 50;
  const qmf::simulation::GramLayer layer(3, 1, 2, 1.7, 0.0, n);
  const Eigen::MatrixXd phi = gaussian(n, 3, 11).array().tanh();
  const Eigen::MatrixXd d = gaussian(n, 3, 12);
  Eigen::MatrixXd h, a;
  layer.forward(layer.covariance(phi), h);
  layer.backward(phi, h, d, a);
  const Eigen::MatrixXd expected = h.transpose() * d;
  CHECK((phi.transpose() * a - expected).norm() < 1e-12 * expected.norm());
}

TEST_CASE("a Gram layer's forward and backward draws have the weights' joint law", "[gram]") {
  // One layer of width 4, fixed Phi and D, drawn 100000 times by each method
  // (independent nets). H^T D - Phi^T W^T D = 1 b^T D is the bias's share,
  // which only the eta term of the backward pass supplies; entries of W^T D
  // and of H check the rest. At this width the rank-m correction is half of
  // W^T D, so a wrong conditioning shows. KS tests, Bonferroni over the 5
  // statistics at a family-wise level of 1e-3 (dropping eta: p = 2e-12).
  constexpr int n = 4;
  constexpr int samples = 100000;
  const double sw2 = 1.5, sb2 = 0.5;
  const Eigen::MatrixXd phi = gaussian(n, 2, 21).array().tanh();
  const Eigen::MatrixXd d = gaussian(n, 2, 22);
  std::vector<std::vector<double>> weights(5), grams(5);
  auto record = [&](const Eigen::MatrixXd& h, const Eigen::MatrixXd& a,
                    std::vector<std::vector<double>>& out) {
    const Eigen::MatrixXd constrained = h.transpose() * d - phi.transpose() * a;
    const double values[] = {constrained(0, 0), constrained(1, 1), a(0, 0), a(3, 1), h(2, 1)};
    for (int k = 0; k < 5; ++k) out[k].push_back(values[k]);
  };
  Eigen::MatrixXd h, a;
  for (int r = 0; r < samples; ++r) {
    const qmf::simulation::DenseLayer dense(19, r, 1, sw2, sb2, n);
    dense.forward(phi, h);
    dense.backward(d, a);
    record(h, a, weights);
    const qmf::simulation::GramLayer gram(19, r, 1, sw2, sb2, n);
    gram.forward(gram.covariance(phi), h);
    gram.backward(phi, h, d, a);
    record(h, a, grams);
  }
  for (int k = 0; k < 5; ++k) {
    const double p = ks_p_value(weights[k], grams[k]);
    INFO("statistic " << k << ": KS p-value " << p);
    CHECK(p * 5 > 1e-3);
  }
}

TEST_CASE("a Gram layer draws from a semidefinite covariance", "[gram]") {
  // Identical inputs (a sign net in its ordered phase ends there): K has rank
  // one, the outputs are identical columns, and the backward pass stays finite.
  constexpr int n = 40;
  const qmf::simulation::GramLayer layer(3, 1, 2, 1.0, 0.0, n);
  const Eigen::MatrixXd column = gaussian(n, 1, 13).array().sign();
  const Eigen::MatrixXd phi = column.replicate(1, 2);
  Eigen::MatrixXd h, a;
  layer.forward(layer.covariance(phi), h);
  CHECK((h.col(0) - h.col(1)).norm() < 1e-12 * h.col(0).norm());
  layer.backward(phi, h, gaussian(n, 2, 14), a);
  CHECK(a.allFinite());
}

// The net of whole-matrix Gram layers, every H^l stored: the reference for the
// row-block net, which draws each layer again on the way down.
NetMeasurement whole_matrix_net(const qmf::Activation& phi, const qmf::BackwardDerivative& g,
                                const SimulationSettings& s, int net) {
  namespace sim = qmf::simulation;
  NetMeasurement m;
  m.q.resize(s.depth + 1);
  m.c.resize(s.depth + 1);
  std::vector<Eigen::MatrixXd> h(s.depth + 1);
  h[0] = sim::input_pre_activations(s, net);
  auto post = [&](const Eigen::MatrixXd& x) {
    Eigen::MatrixXd y(x.rows(), x.cols());
    for (Eigen::Index k = 0; k < x.cols(); ++k)
      phi.values(x.col(k).data(), y.col(k).data(), static_cast<std::size_t>(x.rows()));
    return y;
  };
  auto layer = [&](int l) {
    return sim::GramLayer(s.seed, net, l, s.init.sw2, s.init.sb2, s.width);
  };
  sim::record_forward_statistics(h[0], 0, m);
  for (int l = 1; l <= s.depth; ++l) {
    const Eigen::MatrixXd below = post(h[l - 1]);
    layer(l).forward(layer(l).covariance(below), h[l]);
    sim::record_forward_statistics(h[l], l, m);
  }
  Eigen::MatrixXd delta, back;
  const double unit = sim::start_backward(s, net, 2, delta, m);
  for (int l = s.depth; l >= 1; --l) {
    layer(l).backward(post(h[l - 1]), h[l], delta, back);
    sim::step_backward(g, back, h[l - 1], l, unit, delta, m);
  }
  return m;
}

TEST_CASE("the row-block net, drawing layers again, is the net of whole-matrix layers", "[gram]") {
  // tanh (no thresholds for rounding to cross), widths with a partial block
  // and with many blocks: the two differ only in the order of their sums, so
  // by a few ulp per operation (covariance_root is continuous in k).
  const auto phi = qmf::make_activation("tanh");
  for (const int width : {300, 3000}) {
    for (const double sb2 : {0.0, 0.1}) {
      const SimulationSettings s = settings(1.3, sb2, width, 11);
      const qmf::BackwardDerivative g(*phi, s.surrogate);
      for (const int net : {0, 5}) {
        INFO("width " << width << ", sb2 " << sb2 << ", net " << net);
        const auto blocks = qmf::simulation::measure_gram_net(*phi, g, s, net);
        const auto whole = whole_matrix_net(*phi, g, s, net);
        REQUIRE(blocks.grad.size() == whole.grad.size());
        for (int l = 0; l <= s.depth; ++l) {
          INFO("layer " << l);
          CHECK(blocks.q[l] == Approx(whole.q[l]).epsilon(1e-12));
          CHECK(blocks.c[l] == Approx(whole.c[l]).epsilon(1e-12));
          CHECK(blocks.grad[l] == Approx(whole.grad[l]).epsilon(1e-10));
        }
      }
    }
  }
}

TEST_CASE("the Gram method is independent of the thread count", "[gram]") {
  const auto phi = qmf::make_activation("quant:4");
  SimulationSettings s = settings(2.0, 0.02, 100, 5);
  s.method = qmf::SimulationMethod::gram;
  s.nets = 7;
  s.threads = 1;
  const auto one = qmf::simulate_networks(*phi, s);
  s.threads = 3;
  const auto three = qmf::simulate_networks(*phi, s);
  for (int l = 0; l <= s.depth; ++l) {
    CHECK(one[l].q.mean == three[l].q.mean);
    CHECK(one[l].c[0].mean == three[l].c[0].mean);
    CHECK(one[l].grad.mean == three[l].grad.mean);
  }
}

TEST_CASE("the Gram method keeps four n x m matrices a thread, whatever the depth", "[gram]") {
  // Width 10^6, one pair, 2 threads: the inputs, the output direction and the
  // two matrices one backward pass hands to the next (64 MB a thread), the
  // layers being drawn again; the weights method keeps every layer.
  const auto tanh = qmf::make_activation("tanh");
  SimulationSettings s = settings(1.0, 0.0, 1'000'000, 100);
  s.threads = 2;
  s.nets = 16;
  const double per_net = 8.0 * (100 + 1) * 4;  // the measurements of a net
  CHECK(qmf::simulation_memory_bytes(*tanh, s) == Approx(8.0 * 4 * 2e6 * 2 + 16 * per_net));
  s.backward = false;  // no output direction
  CHECK(qmf::simulation_memory_bytes(*tanh, s) == Approx(8.0 * 2e6 * 2 + 16 * per_net));
  s.backward = true;
  s.method = qmf::SimulationMethod::weights;
  CHECK(qmf::simulation_memory_bytes(*tanh, s) > 8.0 * 100 * 2e6 * 2);
}

TEST_CASE("auto picks the Gram method unless drawing the weights is cheaper", "[gram]") {
  const auto tanh = qmf::make_activation("tanh");
  SimulationSettings s = settings(1.0, 0.0, 1000, 3);
  CHECK(qmf::chosen_method(*tanh, s) == qmf::SimulationMethod::gram);
  s.width = 4;
  CHECK(qmf::chosen_method(*tanh, s) == qmf::SimulationMethod::weights);
  // One pair with the backward pass: 3 + 6 m = 15 against 2n.
  s.width = 7;
  CHECK(qmf::chosen_method(*tanh, s) == qmf::SimulationMethod::weights);
  s.width = 8;
  CHECK(qmf::chosen_method(*tanh, s) == qmf::SimulationMethod::gram);
  s.width = 1000;
  s.method = qmf::SimulationMethod::weights;
  CHECK(qmf::chosen_method(*tanh, s) == qmf::SimulationMethod::weights);
}

TEST_CASE("auto picks the cell sums for a step activation with 160 rows per cell", "[gram]") {
  // quant:16 with the box STE [-1, 1]: 15 thresholds and 2 window ends, 18
  // intervals, 324 cells for one pair; 160 x 324 = 51840 rows.
  const auto quant = qmf::make_activation("quant:16");
  SimulationSettings s = settings(1.0, 0.0, 51840, 3);
  CHECK(qmf::chosen_method(*quant, s) == qmf::SimulationMethod::cells);
  s.width = 51839;
  CHECK(qmf::chosen_method(*quant, s) == qmf::SimulationMethod::gram);
  s.width = 51840;
  s.backward = false;  // the forward pass alone gains nothing from cells
  CHECK(qmf::chosen_method(*quant, s) == qmf::SimulationMethod::gram);
}
