// Pieces shared by the empirical Gram matrices of sampled nets with Gaussian
// weights (empirical_kernel.cpp) and with stochastically rounded binary weights
// (stochastic_binary_gram.cpp).
#pragma once

#include <Eigen/Core>
#include <random>
#include <stdexcept>
#include <string>

#include "qmf/kernel/maps.hpp"

namespace qmf::empirical {

inline void check_shape(const Eigen::MatrixXd& inputs, int depth, int width) {
  if (depth < 1)
    throw std::invalid_argument("depth must be at least 1 (got " + std::to_string(depth) + ")");
  if (width < 1)
    throw std::invalid_argument("width must be at least 1 (got " + std::to_string(width) + ")");
  if (inputs.rows() < 1 || inputs.cols() < 1)
    throw std::invalid_argument("inputs must have at least one feature and one example");
  if (!inputs.allFinite()) throw std::invalid_argument("inputs must be finite");
}

inline Eigen::MatrixXd gaussian_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = normal(rng);
  return m;
}

/// sw2 x_i . y_j / n + sb2 for the columns of x and y: one layer's input
/// kernel between two sets of examples (or two rounding draws of one set).
inline Eigen::MatrixXd input_kernel(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                    const Initialization& init) {
  Eigen::MatrixXd k = (init.sw2 / static_cast<double>(x.rows())) * (x.transpose() * y);
  return k.array() + init.sb2;
}

}  // namespace qmf::empirical
