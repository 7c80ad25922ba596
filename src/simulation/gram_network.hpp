// One random network simulated layer by layer from Gram matrices
// (gram_layer.hpp), forward and backward, with the forward pass checkpointed:
// the backward pass needs every layer's pre-activations, which at width 10^6
// and depth 100 would take 1.6 GB per net, so only every k-th layer is kept and
// the layers between are drawn again, bit for bit, from their keyed streams.
#pragma once

#include "simulation/random_network.hpp"

namespace qmf::simulation {

/// Internal knobs, for the tests: the checkpoint spacing, and deliberately
/// wrong covariances that the statistical tests must reject.
struct GramOptions {
  int checkpoint_interval = 0;  // 0: gram_checkpoint_interval(settings)
  double covariance_scale = 1.0;
  bool previous_layer_covariance = false;  // layer l drawn from layer l-1's K (forward only)
};

/// Every layer when all of them fit in 64 MiB, otherwise ceil(sqrt(depth)),
/// which keeps about 2 sqrt(depth) layers alive.
int gram_checkpoint_interval(const SimulationSettings& settings);

/// The doubles one net keeps alive at a time (its stored layers and work matrices).
double gram_net_doubles(const SimulationSettings& settings);

/// Measures net number `net` of the ensemble that `settings` describes, with
/// the same inputs and output direction as measure_random_net.
NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& settings, int net,
                                const GramOptions& options = {});

}  // namespace qmf::simulation
