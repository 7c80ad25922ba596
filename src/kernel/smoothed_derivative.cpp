#include "kernel/smoothed_derivative.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>

#include "qmf/activations/step_activation.hpp"

namespace qmf {

SmoothedDerivative::SmoothedDerivative(const Activation& phi) : phi_(phi) {
  if (const auto* step = dynamic_cast<const StepActivation*>(&phi)) {
    step_ = true;
    thresholds_ = step->thresholds();
    const auto& y = step->levels();
    for (std::size_t k = 0; k < thresholds_.size(); ++k) jumps_.push_back(y[k + 1] - y[k]);
    return;
  }
  // Golub-Welsch: the nodes are the eigenvalues of the Jacobi matrix of the
  // probabilists' Hermite polynomials (off-diagonal sqrt(k)), the weights the
  // squared first components of its unit eigenvectors.
  Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(nodes, nodes);
  for (int k = 1; k < nodes; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = std::sqrt(double(k));
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(jacobi);
  for (int k = 0; k < nodes; ++k) {
    z_[k] = solver.eigenvalues()[k];
    weight_[k] = solver.eigenvectors()(0, k) * solver.eigenvectors()(0, k);
  }
}

double SmoothedDerivative::operator()(double mu, double v) const {
  const double s = std::sqrt(v);
  double sum = 0.0;
  if (step_) {
    for (std::size_t k = 0; k < thresholds_.size(); ++k) {
      const double r = (thresholds_[k] - mu) / s;
      sum += jumps_[k] * std::exp(-0.5 * r * r);
    }
    return sum / (s * std::sqrt(2.0 * std::numbers::pi));
  }
  for (int k = 0; k < nodes; ++k) sum += weight_[k] * z_[k] * phi_.value(mu + s * z_[k]);
  return sum / s;
}

}  // namespace qmf
