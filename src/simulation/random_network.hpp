// One random network of the simulation: forward and backward pass, and the
// per-layer statistics of that single net.
#pragma once

#include <vector>

#include "qmf/simulation/simulate.hpp"

namespace qmf::simulation {

struct NetMeasurement {
  std::vector<double> q;     // layers 0..L
  std::vector<double> c;     // layers 0..L, pairs fastest: c[l * pairs + p]
  std::vector<double> grad;  // layers 0..L; empty without the backward pass
};

/// Measures net number `net` of the ensemble that `settings` describes.
NetMeasurement measure_random_net(const Activation& phi, const BackwardDerivative& g,
                                  const SimulationSettings& settings, int net);

}  // namespace qmf::simulation
