// Finite random networks beside the mean field (theory.md section 4).
//
// Convention: layer 0 holds the pre-activations h^0 of the inputs, built
// directly (no input layer) with exactly the empirical variance q0 and the
// pairwise correlations c0; layer l >= 1 is h^l = W^l phi(h^(l-1)) + b^l with
// n x n weights W ~ N(0, sw2/n) and biases b ~ N(0, sb2); with quantized
// weights, W is the latent N(0, sw2/n) weight rounded by settings.weights. Layer l of the
// simulation therefore matches layer l of iterate_maps(q0, c0).
//
// Backward pass: a random direction delta^L ~ N(0, I) at the last layer is
// back-propagated, delta^(l-1) = g(h^(l-1)) * (W^l)^T delta^l, with g the
// BackwardDerivative; grad^l = |delta^l|^2 / |delta^L|^2, whose mean-field value
// is prod_(k=l)^(L-1) sw2 E[g(u_k)^2], u_k ~ N(0, q^k).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "qmf/activations/backward_derivative.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf {

/// How a layer is drawn. `weights` draws every weight (O(n^2 m) per layer);
/// `gram` draws the layer's output directly from its Gram matrix, exact in
/// distribution for Gaussian weights and biases (O(n m^2); docs/gram_simulation.md);
/// `cells` draws the forward pass as `gram` does and the backward pass from
/// per-cell sums, exact for step activations with Gaussian weights (O(n m)
/// forward, O(cells) backward per layer); `automatic` picks the cheapest
/// (chosen_method).
enum class SimulationMethod { automatic, gram, weights, cells };

struct SimulationSettings {
  /// sw2 is the latent weights' variance; init.weight_noise must be 0: the
  /// per-example noise comes from `weights`.
  Initialization init;
  int width = 0;
  int depth = 0;
  double q0 = 1.0;
  /// One input pair per value. Every pair shares its first input, so k values
  /// cost k + 1 inputs (columns) per net.
  std::vector<double> c0{0.5};
  int nets = 2;
  std::uint64_t seed = 1;
  int threads = 1;
  bool backward = true;
  /// The backward surrogate for step activations (ignored for smooth ones).
  StraightThrough surrogate;
  SimulationMethod method = SimulationMethod::automatic;
  /// How the latent weights are rounded (gaussian: not at all). Quantized
  /// weights are drawn on the weights path (simulation/dense_layer).
  WeightSpec weights;
  /// Polled at every layer of every net, forward and backward, and of the
  /// mean-field prediction (qmf/interrupt.hpp); it never changes the result.
  Interrupt interrupt;
};

/// The method simulate_networks uses for phi: settings.method unless
/// automatic, then cells for a step activation with the backward pass when its
/// cells are few against the width, else gram whenever it costs fewer
/// operations than drawing the weights.
SimulationMethod chosen_method(const Activation& phi, const SimulationSettings& settings);

/// "gram", "weights", "cells" or "auto".
const char* method_name(SimulationMethod method);

/// Throws std::invalid_argument naming the offending field (width, depth,
/// nets, c0, q0, threads, sw2, sb2, weight noise).
void validate(const SimulationSettings& settings);

/// The memory (bytes) simulate_networks keeps alive for these settings, for
/// callers that cap it.
double simulation_memory_bytes(const Activation& phi, const SimulationSettings& settings);

/// Mean and standard error over nets.
struct Estimate {
  double mean = 0.0;
  double se = 0.0;
};

struct SimulatedLayer {
  int layer = 0;
  Estimate q;               // mean of h^2 over units and inputs
  std::vector<Estimate> c;  // empirical correlation, one per pair
  Estimate grad;            // NaN when settings.backward is false
};

/// Called after each finished net with (finished, total), from one thread at a time.
using SimulationProgress = std::function<void(int, int)>;

/// Runs settings.nets independent nets (OpenMP over nets, settings.threads
/// threads). The result is bitwise the same for any thread count: every net
/// draws from its own (seed, net, layer)-keyed streams and the statistics are
/// reduced in net order. Layers 0..depth.
std::vector<SimulatedLayer> simulate_networks(const Activation& phi,
                                              const SimulationSettings& settings,
                                              const SimulationProgress& progress = {});

struct PredictedLayer {
  int layer = 0;
  double q = 0.0;
  std::vector<double> c;  // one per pair
  double grad = 0.0;
};

/// The maps' initialisation the settings' nets follow: sw2 E[Q Q'] shared,
/// nu sw2 per example (qmf::weight_prior).
Initialization mean_field_initialization(const SimulationSettings& settings);

/// The mean-field values of the same quantities, layers 0..depth.
std::vector<PredictedLayer> predict_layers(const Activation& phi,
                                           const SimulationSettings& settings);

}  // namespace qmf
