#include "qmf/kernel/empirical_kernel.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "kernel/empirical_layers.hpp"

namespace qmf {

namespace {

using empirical::check_shape;
using empirical::gaussian_matrix;
using empirical::input_kernel;

// The surrogate derivative g of the derivative kernel, pointwise.
double surrogate(const Activation& phi, const DerivativeKernel& derivative, double x) {
  if (derivative.kind() == DerivativeKind::true_derivative) return phi.derivative(x);
  const StraightThrough& s = derivative.surrogate();
  return std::abs(x) <= s.clip ? s.slope : 0.0;
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
  out.nngp = input_kernel(x.back(), x.back(), init);
  // Backward: delta^l (rows: units of layer l) from delta^L = 1.
  const auto N = inputs.cols();
  Eigen::MatrixXd delta = Eigen::MatrixXd::Ones(1, N);
  out.ntk = Eigen::MatrixXd::Zero(N, N);
  for (int l = depth; l >= 1; --l) {
    const Eigen::MatrixXd& xin = x[l - 1];
    const double n = static_cast<double>(xin.rows());
    const Eigen::MatrixXd dd = delta.transpose() * delta;
    if (parameters == TangentParameters::ntk)
      out.ntk.array() += dd.array() * input_kernel(xin, xin, init).array();
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
