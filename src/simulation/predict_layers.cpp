// The mean-field values of what the simulation measures.
#include "qmf/simulation/simulate.hpp"

namespace qmf {

std::vector<PredictedLayer> predict_layers(const Activation& phi,
                                           const SimulationSettings& settings) {
  validate(settings);
  const int depth = settings.depth;
  std::vector<PredictedLayer> layers(depth + 1);
  for (const double c0 : settings.c0) {
    const auto states = iterate_maps(phi, settings.init, settings.q0, c0, depth);
    for (int l = 0; l <= depth; ++l) {
      layers[l].layer = l;
      layers[l].q = states[l].q;
      layers[l].c.push_back(states[l].c);
    }
  }
  // Each layer going down multiplies the mean squared gradient by sw2 E[g(u)^2].
  const BackwardDerivative g(phi, settings.surrogate);
  layers[depth].grad = 1.0;
  for (int l = depth; l >= 1; --l)
    layers[l - 1].grad = layers[l].grad * settings.init.sw2 * g.second_moment(layers[l - 1].q);
  return layers;
}

}  // namespace qmf
