// One random network simulated layer by layer from Gram matrices
// (gram_layer.hpp), forward and backward, a block of rows at a time
// (gram_rows.hpp). The backward pass needs every layer's pre-activations H.
// Layer l is a draw from its own stream times the m x m root of its
// covariance, which the forward pass keeps for every layer, so H^l is drawn
// again, bit for bit, on the way down instead of being stored: a net keeps
// its inputs, its output direction and the two n x m matrices that one
// backward pass hands to the next, whatever the depth.
#pragma once

#include <Eigen/Core>

#include "simulation/random_network.hpp"

namespace qmf::simulation {

/// Internal knobs, for the tests: deliberately wrong covariances that the
/// statistical tests must reject.
struct GramOptions {
  double covariance_scale = 1.0;
  bool previous_layer_covariance = false;  // layer l drawn from layer l-1's K (forward only)
};

/// The doubles one net keeps alive: its inputs and, with the backward pass,
/// its output direction and the two matrices one backward pass hands to the
/// next (n x m each).
double gram_net_doubles(const SimulationSettings& settings);

/// The n x m matrices of a net, reused by the nets a thread runs one after
/// the other.
struct GramWorkspace {
  Eigen::MatrixXd inputs;            // H^0
  Eigen::MatrixXd output_direction;  // delta^L
  Eigen::MatrixXd carried_h;         // H^j, from the backward pass above j
  Eigen::MatrixXd carried_z;         // layer j + 1's backward draws, likewise
};

/// Measures net number `net` of the ensemble that `settings` describes, with
/// the same inputs and output direction as measure_random_net.
NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& settings, int net,
                                const GramOptions& options = {},
                                GramWorkspace* workspace = nullptr);

}  // namespace qmf::simulation
