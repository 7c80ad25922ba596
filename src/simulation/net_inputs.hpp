// What every simulated net shares whichever way its layers are drawn: the
// inputs' pre-activations, the statistics of a layer, and the direction the
// backward pass starts from. Both methods take them from the same keyed
// streams, so the two simulate nets with identical inputs.
#pragma once

#include <Eigen/Core>
#include <cmath>

#include "simulation/random_network.hpp"

namespace qmf::simulation {

/// Pre-activations h^0 (n x (pairs + 1)) with empirical variance exactly q0 and
/// correlation exactly c0[p] between column 0 and column p + 1.
Eigen::MatrixXd input_pre_activations(const SimulationSettings& settings, int net);

/// The correlation dot / sqrt(square1 square2), with the roots taken apart:
/// the product of the two squared norms under- or overflows for q beyond
/// ~1e-154 or 1e154, where each of them and the correlation are still doubles.
inline double correlation(double dot, double square1, double square2) {
  return dot / (std::sqrt(square1) * std::sqrt(square2));
}

/// Records q and the pairs' c of the pre-activations h of `layer` in m.
void record_forward_statistics(const Eigen::MatrixXd& h, int layer, NetMeasurement& m);

/// The backward pass's start at the last layer: delta^L is one N(0, I)
/// direction, the same for every input (`columns` of them); sizes m.grad with
/// grad^L = 1. Returns |delta^L|^2 per input, the gradients' unit.
double start_backward(const SimulationSettings& settings, int net, Eigen::Index columns,
                      Eigen::MatrixXd& delta, NetMeasurement& m);

/// One step down: delta^(l-1) = back * g(h^(l-1)) (back = W^T delta^l) and
/// grad^(l-1) = mean over inputs of |delta^(l-1)|^2 / unit.
void step_backward(const BackwardDerivative& g, const Eigen::MatrixXd& back,
                   const Eigen::MatrixXd& h_below, int l, double unit, Eigen::MatrixXd& delta,
                   NetMeasurement& m);

}  // namespace qmf::simulation
