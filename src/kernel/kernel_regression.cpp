#include "qmf/kernel/kernel_regression.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "qmf/errors.hpp"

namespace qmf {

Eigen::MatrixXd project_to_sphere(Eigen::MatrixXd inputs, double q0) {
  if (!(std::isfinite(q0) && q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " + std::to_string(q0) +
                                ")");
  const double d = static_cast<double>(inputs.rows());
  for (Eigen::Index i = 0; i < inputs.cols(); ++i) {
    const double norm2 = inputs.col(i).squaredNorm();
    if (!(std::isfinite(norm2) && norm2 > 0.0))
      throw std::invalid_argument("inputs: example " + std::to_string(i) +
                                  " has a zero or non-finite norm");
    inputs.col(i) *= std::sqrt(q0 * d / norm2);
  }
  return inputs;
}

Eigen::MatrixXd dot_product_gram(const DotProductKernel& kernel, const Eigen::MatrixXd& a,
                                 const Eigen::MatrixXd& b, int table_points) {
  if (a.rows() != b.rows()) throw std::invalid_argument("inputs must have the same dimension");
  if (table_points < 2) throw std::invalid_argument("table_points must be at least 2");
  const double step = std::numbers::pi / (table_points - 1);
  std::vector<double> t(static_cast<std::size_t>(table_points));
  for (int k = 0; k < table_points; ++k) t[k] = std::cos(k * step);
  t.front() = 1.0, t.back() = -1.0;
  const std::vector<double> values = kernel(t);
  const Eigen::VectorXd na = a.colwise().norm().transpose(), nb = b.colwise().norm().transpose();
  Eigen::MatrixXd cosines = (a.transpose() * b).array() / (na * nb.transpose()).array();
  return cosines.unaryExpr([&](double c) {
    const double angle = std::acos(std::clamp(c, -1.0, 1.0)) / step;
    const int k = std::min(static_cast<int>(angle), table_points - 2);
    const double f = angle - k;
    return (1.0 - f) * values[k] + f * values[k + 1];
  });
}

Eigen::MatrixXd ridge_coefficients(const Eigen::MatrixXd& k, const Eigen::MatrixXd& targets,
                                   double ridge) {
  if (k.rows() != k.cols() || k.rows() != targets.rows())
    throw std::invalid_argument("kernel must be square with one row per target row");
  if (!(std::isfinite(ridge) && ridge >= 0.0))
    throw std::invalid_argument("ridge must be a non-negative finite number (got " +
                                std::to_string(ridge) + ")");
  Eigen::MatrixXd regularised = k;
  regularised.diagonal().array() += ridge;
  const Eigen::LLT<Eigen::MatrixXd> llt(regularised);
  if (llt.info() != Eigen::Success)
    throw numerical_error("kernel + ridge I is not positive definite (ridge " +
                          std::to_string(ridge) + ")");
  return llt.solve(targets);
}

Eigen::MatrixXd one_hot(std::span<const std::uint8_t> labels, int classes) {
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(labels.size()), classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= classes)
      throw std::invalid_argument("labels must be below classes (got " + std::to_string(labels[i]) +
                                  ")");
    y(static_cast<Eigen::Index>(i), labels[i]) = 1.0;
  }
  return y;
}

double classification_accuracy(const Eigen::MatrixXd& scores,
                               std::span<const std::uint8_t> labels) {
  if (scores.rows() != static_cast<Eigen::Index>(labels.size()) || labels.empty())
    throw std::invalid_argument("scores need one row per label");
  long correct = 0;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index best = 0;
    scores.row(i).maxCoeff(&best);
    correct += best == labels[static_cast<std::size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(scores.rows());
}

}  // namespace qmf
