// Empirical NNGP and NTK of nets with binary weights rounded stochastically
// for every example (qmf/kernel/empirical_kernel.hpp, docs/kernels.md).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernel/empirical_layers.hpp"
#include "kernel/smoothed_derivative.hpp"
#include "qmf/kernel/empirical_kernel.hpp"

namespace qmf {

namespace {

// splitmix64: a fast, well-mixed stream for the rounding draws.
struct SplitMix {
  std::uint64_t state;
  std::uint64_t operator()() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

// One layer with binary weights rounded afresh for every example: P(Q = +1)
// = thresholds / 2^16 per weight (row-major, one output unit a row).
Eigen::MatrixXd stochastic_binary_layer(const std::vector<std::uint32_t>& thresholds,
                                        Eigen::Index out, const Eigen::MatrixXd& x,
                                        std::uint64_t seed) {
  const Eigen::Index in = x.rows();
  Eigen::MatrixXd h(out, x.cols());
  // Each example has its own stream, so the result does not depend on threads.
#pragma omp parallel for schedule(static)
  for (Eigen::Index i = 0; i < x.cols(); ++i) {
    SplitMix draw{seed ^ (0xd1b54a32d192ed03ULL * static_cast<std::uint64_t>(i + 1))};
    const double* xi = x.col(i).data();
    for (Eigen::Index r = 0; r < out; ++r) {
      const std::uint32_t* t = thresholds.data() + r * in;
      double sum = 0.0;
      std::uint64_t bits = 0;
      for (Eigen::Index k = 0; k < in; ++k) {
        if (k % 4 == 0) bits = draw();
        const std::uint32_t u = static_cast<std::uint32_t>(bits & 0xffffU);
        bits >>= 16;
        sum += u < t[k] ? xi[k] : -xi[k];
      }
      h(r, i) = sum;
    }
  }
  return h;
}

// One hidden layer's latent weights theta = clip(z, -1, 1) (rows: units), their
// rounding thresholds, and its real biases.
struct LatentLayer {
  Eigen::MatrixXd theta;
  std::vector<std::uint32_t> thresholds;
  Eigen::VectorXd bias;
};

LatentLayer latent_layer(Eigen::Index out, Eigen::Index in, std::mt19937_64& rng) {
  LatentLayer layer{empirical::gaussian_matrix(out, in, rng), {}, {}};
  layer.theta = layer.theta.cwiseMax(-1.0).cwiseMin(1.0);
  // Row-major thresholds: unit r's weights are contiguous for the rounding loop.
  layer.thresholds.resize(static_cast<std::size_t>(out * in));
  for (Eigen::Index r = 0; r < out; ++r)
    for (Eigen::Index k = 0; k < in; ++k)
      layer.thresholds[r * in + k] =
          static_cast<std::uint32_t>(std::lround(0.5 * (1.0 + layer.theta(r, k)) * 65536.0));
  layer.bias = empirical::gaussian_matrix(out, 1, rng);
  return layer;
}

// One forward pass with its own rounding draws: every layer's (sampled) input
// and, for hidden layers, psi'(mu; v) at the pre-activation's conditional mean
// mu = sqrt(sw2/n) theta x + sqrt(sb2) b and variance v = sw2/n (1 - theta^2) x^2.
struct Pass {
  std::vector<Eigen::MatrixXd> inputs;  // x^0 .. x^(L-1)
  std::vector<Eigen::MatrixXd> slopes;  // psi' of layers 1 .. L-1
};

Pass forward(const Activation& phi, const SmoothedDerivative& slope, const Initialization& init,
             const std::vector<LatentLayer>& layers, const Eigen::MatrixXd& inputs,
             std::uint64_t seed) {
  Pass p{{inputs}, {}};
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const LatentLayer& layer = layers[l];
    const Eigen::MatrixXd& x = p.inputs.back();
    const double scale = std::sqrt(init.sw2 / static_cast<double>(x.rows()));
    const Eigen::VectorXd bias = std::sqrt(init.sb2) * layer.bias;
    Eigen::MatrixXd mu = scale * (layer.theta * x);
    mu.colwise() += bias;
    const Eigen::MatrixXd v = (scale * scale) * ((1.0 - layer.theta.array().square()).matrix() *
                                                 x.array().square().matrix());
    Eigen::MatrixXd g(mu.rows(), mu.cols());
#pragma omp parallel for schedule(static)
    for (Eigen::Index k = 0; k < g.size(); ++k) g.data()[k] = slope(mu.data()[k], v.data()[k]);
    Eigen::MatrixXd h = scale * stochastic_binary_layer(layer.thresholds, mu.rows(), x,
                                                        seed + 0x9e3779b97f4a7c15ULL * (l + 1));
    h.colwise() += bias;
    p.slopes.push_back(std::move(g));
    p.inputs.push_back(h.unaryExpr([&](double u) { return phi.value(u); }));
  }
  return p;
}

Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& m) { return 0.5 * (m + m.transpose()); }

}  // namespace

EmpiricalGram stochastic_binary_gram(const Activation& phi, const Initialization& init,
                                     double theta_second_moment, const Eigen::MatrixXd& inputs,
                                     int depth, int width, std::uint64_t seed) {
  validate(init);
  empirical::check_shape(inputs, depth, width);
  if (!(theta_second_moment > 0.0 && theta_second_moment < 1.0))
    throw std::invalid_argument("theta_second_moment must lie in (0, 1) (got " +
                                std::to_string(theta_second_moment) + ")");
  std::mt19937_64 rng(seed);
  std::vector<LatentLayer> layers;
  for (int l = 1; l < depth; ++l)
    layers.push_back(latent_layer(width, l == 1 ? inputs.rows() : width, rng));
  const Eigen::RowVectorXd readout =
      empirical::gaussian_matrix(1, depth == 1 ? inputs.rows() : width, rng)
          .cwiseMax(-1.0)
          .cwiseMin(1.0);
  // Two passes over the same latent net with independent rounding draws.
  const SmoothedDerivative slope(phi);
  const Pass a = forward(phi, slope, init, layers, inputs, rng());
  const Pass b = forward(phi, slope, init, layers, inputs, rng());
  const Eigen::MatrixXd& xa = a.inputs.back();
  const Eigen::MatrixXd& xb = b.inputs.back();
  EmpiricalGram out;
  // Readout averaged over its own theta: E[theta^2] = s.
  const double n = static_cast<double>(xa.rows());
  out.nngp = symmetric_part((init.sw2 * theta_second_moment / n) * (xa.transpose() * xb));
  out.nngp.array() += init.sb2;
  // Tangent kernel in (theta, b) of the conditional means, layer by layer.
  const auto N = inputs.cols();
  Eigen::MatrixXd da = Eigen::MatrixXd::Ones(1, N), db = da;
  out.ntk = Eigen::MatrixXd::Zero(N, N);
  for (int l = depth; l >= 1; --l) {
    const Eigen::MatrixXd& xa_in = a.inputs[l - 1];
    out.ntk.array() += (da.transpose() * db).array() *
                       empirical::input_kernel(xa_in, b.inputs[l - 1], init).array();
    if (l == 1) break;
    const double scale = std::sqrt(init.sw2 / static_cast<double>(xa_in.rows()));
    if (l == depth) {
      da = scale * readout.transpose() * da;
      db = scale * readout.transpose() * db;
    } else {
      da = scale * (layers[l - 1].theta.transpose() * da);
      db = scale * (layers[l - 1].theta.transpose() * db);
    }
    da.array() *= a.slopes[l - 2].array();
    db.array() *= b.slopes[l - 2].array();
  }
  out.ntk = symmetric_part(out.ntk);
  return out;
}

}  // namespace qmf
