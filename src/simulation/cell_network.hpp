// One random network of a step activation simulated from cell sums
// (docs/gram_simulation.md, "Cell sums"). With Gaussian weights, phi and the
// box STE constant between breakpoints, the backward pass of the Gram layer
// (gram_layer.hpp) needs a layer's rows only through per-cell sums: the count,
// the first and second moments of the pre-activations, and sums of the
// backward draws Z weighted by 1 and by h. Given the moments, those weighted
// sums are Gaussian and the sum of squares of Z is Gaussian plus Wishart, so
// they are drawn per cell, exactly, and the backward pass costs O(cells) per
// layer instead of O(n). The forward pass draws each layer's rows as the Gram
// method does (the same streams) and keeps only the sums.
#pragma once

#include "simulation/cell_draws.hpp"
#include "simulation/random_network.hpp"

namespace qmf::simulation {

/// The doubles one net keeps per layer at most (its cell groups).
double cell_net_doubles(const Activation& phi, const SimulationSettings& settings);

/// The number of cells of `phi` with the settings' STE and inputs; throws
/// std::invalid_argument when phi is not a step activation or the cells are too many.
int cell_count(const Activation& phi, const SimulationSettings& settings);

/// Measures net number `net` of the ensemble: the same inputs and forward
/// draws as measure_gram_net, the backward pass drawn from cell sums.
NetMeasurement measure_cell_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& settings, int net,
                                const CellOptions& options = {});

}  // namespace qmf::simulation
