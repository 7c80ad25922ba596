// phi applied to a whole matrix through the activation's batch evaluation
// (one virtual call per matrix; step activations count thresholds), the
// simulation's inner loop besides the draws.
#pragma once

#include <Eigen/Core>
#include <cstddef>

#include "qmf/activations/activation.hpp"

namespace qmf::simulation {

inline Eigen::MatrixXd activate(const Activation& phi, const Eigen::MatrixXd& h) {
  Eigen::MatrixXd x(h.rows(), h.cols());
  phi.values(h.data(), x.data(), static_cast<std::size_t>(h.size()));
  return x;
}

}  // namespace qmf::simulation
