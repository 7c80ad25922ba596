// The mean-field values of what the simulation measures.
#include "qmf/simulation/simulate.hpp"

namespace qmf {

Initialization mean_field_initialization(const SimulationSettings& settings) {
  const WeightPrior prior = weight_prior(settings.weights, settings.init.sw2);
  return {prior.variance, settings.init.sb2, prior.per_example_noise};
}

std::vector<PredictedLayer> predict_layers(const Activation& phi,
                                           const SimulationSettings& settings) {
  validate(settings);
  const int depth = settings.depth;
  const Initialization init = mean_field_initialization(settings);
  std::vector<PredictedLayer> layers(depth + 1);
  for (const double c0 : settings.c0) {
    const auto states = iterate_maps(phi, init, settings.q0, c0, depth, settings.interrupt);
    for (int l = 0; l <= depth; ++l) {
      layers[l].layer = l;
      layers[l].q = states[l].q;
      layers[l].c.push_back(states[l].c);
    }
  }
  // Each layer going down multiplies the mean squared gradient by sw2 E[g(u)^2],
  // sw2 the variance of the weights each input meets: E[Q^2] sw2.
  const double sw2 = init.sw2 + init.weight_noise;
  const BackwardDerivative g(phi, settings.surrogate);
  layers[depth].grad = 1.0;
  for (int l = depth; l >= 1; --l)
    layers[l - 1].grad = layers[l].grad * sw2 * g.second_moment(layers[l - 1].q);
  return layers;
}

}  // namespace qmf
