// One random network simulated layer by layer from Gram matrices
// (gram_layer.hpp), forward and backward, a block of rows at a time
// (gram_rows.hpp): each layer is one pass over its rows forward and one
// backward. The backward pass needs every layer's pre-activations H. Layer l
// is a draw from its own stream times the m x m root of its covariance, which
// the forward pass keeps for every layer, so H^l can be drawn again, bit for
// bit, without the layers below it: the net keeps the lowest layers that fit
// a memory budget and draws the others again on the way down.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "simulation/random_network.hpp"

namespace qmf::simulation {

/// Internal knobs, for the tests: how many layers to keep, and deliberately
/// wrong covariances that the statistical tests must reject.
struct GramOptions {
  int kept_layers = -1;  // -1: gram_kept_layers(settings)
  double covariance_scale = 1.0;
  bool previous_layer_covariance = false;  // layer l drawn from layer l-1's K (forward only)
};

/// Layers 1..k whose pre-activations a net keeps for its backward pass: as
/// many as fit in 2 GiB over the nets running at once (none without the
/// backward pass).
int gram_kept_layers(const SimulationSettings& settings);

/// The doubles one net keeps alive at a time: its kept layers, the inputs,
/// and three n x m work matrices.
double gram_net_doubles(const SimulationSettings& settings);

/// The n x m matrices a net works in, reused by the nets a thread runs one
/// after the other (allocating them per net would cost a page fault per 4 KiB).
struct GramWorkspace {
  std::vector<Eigen::MatrixXd> kept;  // H^0 .. H^k
  Eigen::MatrixXd layer;              // H^j of the backward pass when it is not kept
  Eigen::MatrixXd noise;              // the backward draws Z of the layer above
  Eigen::MatrixXd output_direction;   // delta^L
};

/// Measures net number `net` of the ensemble that `settings` describes, with
/// the same inputs and output direction as measure_random_net.
NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& settings, int net,
                                const GramOptions& options = {},
                                GramWorkspace* workspace = nullptr);

}  // namespace qmf::simulation
