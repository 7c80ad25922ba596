#include "qmf/kernel/empirical_kernel.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace qmf {

namespace {

void check_shape(const Eigen::MatrixXd& inputs, int depth, int width) {
  if (depth < 1)
    throw std::invalid_argument("depth must be at least 1 (got " + std::to_string(depth) + ")");
  if (width < 1)
    throw std::invalid_argument("width must be at least 1 (got " + std::to_string(width) + ")");
  if (inputs.rows() < 1 || inputs.cols() < 1)
    throw std::invalid_argument("inputs must have at least one feature and one example");
  if (!inputs.allFinite()) throw std::invalid_argument("inputs must be finite");
}

Eigen::MatrixXd gaussian_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = normal(rng);
  return m;
}

// sw2 x_i . x_j / n + sb2 for the columns of x: one layer's input kernel.
Eigen::MatrixXd input_kernel(const Eigen::MatrixXd& x, const Initialization& init) {
  Eigen::MatrixXd k = (init.sw2 / static_cast<double>(x.rows())) * (x.transpose() * x);
  return k.array() + init.sb2;
}

// The surrogate derivative g of the derivative kernel, pointwise.
double surrogate(const Activation& phi, const DerivativeKernel& derivative, double x) {
  if (derivative.kind() == DerivativeKind::true_derivative) return phi.derivative(x);
  const StraightThrough& s = derivative.surrogate();
  return std::abs(x) <= s.clip ? s.slope : 0.0;
}

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

}  // namespace

EmpiricalGram empirical_gram(const Activation& phi, const Initialization& init,
                             const DerivativeKernel& derivative, const Eigen::MatrixXd& inputs,
                             int depth, int width, std::uint64_t seed,
                             TangentParameters parameters) {
  validate(init);
  check_shape(inputs, depth, width);
  std::mt19937_64 rng(seed);
  // Forward: the inputs of every layer and the weights (kept for backprop).
  std::vector<Eigen::MatrixXd> x{inputs}, h, w;
  for (int l = 1; l < depth; ++l) {
    const Eigen::MatrixXd& prev = x.back();
    w.push_back(gaussian_matrix(width, prev.rows(), rng));
    const Eigen::VectorXd b = gaussian_matrix(width, 1, rng);
    Eigen::MatrixXd pre =
        std::sqrt(init.sw2 / static_cast<double>(prev.rows())) * (w.back() * prev);
    pre.colwise() += std::sqrt(init.sb2) * b;
    Eigen::MatrixXd post = pre.unaryExpr([&](double u) { return phi.value(u); });
    h.push_back(std::move(pre));
    x.push_back(std::move(post));
  }
  w.push_back(gaussian_matrix(1, x.back().rows(), rng));  // readout
  EmpiricalGram out;
  out.nngp = input_kernel(x.back(), init);
  // Backward: delta^l (rows: units of layer l) from delta^L = 1.
  const auto N = inputs.cols();
  Eigen::MatrixXd delta = Eigen::MatrixXd::Ones(1, N);
  out.ntk = Eigen::MatrixXd::Zero(N, N);
  for (int l = depth; l >= 1; --l) {
    const Eigen::MatrixXd& xin = x[l - 1];
    const double n = static_cast<double>(xin.rows());
    const Eigen::MatrixXd dd = delta.transpose() * delta;
    if (parameters == TangentParameters::ntk)
      out.ntk.array() += dd.array() * input_kernel(xin, init).array();
    else  // gradients in sqrt(sw2/n) W and sqrt(sb2) b: no sw2/n, unit bias term
      out.ntk.array() += dd.array() * ((xin.transpose() * xin).array() + 1.0);
    if (l == 1) break;
    Eigen::MatrixXd back = std::sqrt(init.sw2 / n) * (w[l - 1].transpose() * delta);
    const Eigen::MatrixXd& pre = h[l - 2];
    delta = back.array() *
            pre.unaryExpr([&](double u) { return surrogate(phi, derivative, u); }).array();
  }
  return out;
}

EmpiricalGram stochastic_binary_gram(const Activation& phi, const Initialization& init,
                                     double theta_second_moment, const Eigen::MatrixXd& inputs,
                                     int depth, int width, std::uint64_t seed) {
  validate(init);
  check_shape(inputs, depth, width);
  if (!(theta_second_moment > 0.0 && theta_second_moment < 1.0))
    throw std::invalid_argument("theta_second_moment must lie in (0, 1) (got " +
                                std::to_string(theta_second_moment) + ")");
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x = inputs;
  for (int l = 1; l < depth; ++l) {
    const Eigen::Index in = x.rows();
    std::vector<std::uint32_t> thresholds(static_cast<std::size_t>(width * in));
    for (auto& t : thresholds) {
      const double theta = std::clamp(normal(rng), -1.0, 1.0);
      t = static_cast<std::uint32_t>(std::lround(0.5 * (1.0 + theta) * 65536.0));
    }
    Eigen::VectorXd b(width);
    for (auto& v : b) v = normal(rng);
    Eigen::MatrixXd pre = stochastic_binary_layer(thresholds, width, x, rng());
    pre *= std::sqrt(init.sw2 / static_cast<double>(in));
    pre.colwise() += std::sqrt(init.sb2) * b;
    x = pre.unaryExpr([&](double u) { return phi.value(u); });
  }
  const double n = static_cast<double>(x.rows());
  EmpiricalGram out;
  out.nngp = (init.sw2 * theta_second_moment / n) * (x.transpose() * x);
  out.nngp.diagonal() = (init.sw2 / n) * x.colwise().squaredNorm().transpose();
  out.nngp.array() += init.sb2;
  return out;
}

double relative_frobenius_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument("gram matrices must have the same shape");
  const double norm = b.norm();
  if (!(norm > 0.0)) throw std::invalid_argument("reference gram matrix must be non-zero");
  return (a - b).norm() / norm;
}

std::vector<double> leading_eigenvalues(const Eigen::MatrixXd& symmetric, int count) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& values = solver.eigenvalues();  // ascending
  std::vector<double> out;
  for (Eigen::Index k = values.size() - 1; k >= 0 && static_cast<int>(out.size()) < count; --k)
    out.push_back(values[k]);
  return out;
}

}  // namespace qmf
