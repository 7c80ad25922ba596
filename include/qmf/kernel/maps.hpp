// The mean-field maps of a deep random network (docs/theory.md), written once
// for every activation: the equal-norm components of one layer's kernel map
// (qmf/kernel/layers.hpp), Elementwise(phi) followed by Dense(sw2, sb2).
#pragma once

#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/kernel/layers.hpp"

namespace qmf {

/// Weight and bias variances: W_ij ~ N(0, sw2 / n), b_i ~ N(0, sb2). With
/// weights rounded stochastically for every input (qmf/weights/weight_spec.hpp),
/// sw2 is the variance the two inputs' weights share and weight_noise the
/// rounding variance each input sees on its own (nu sw2 of the latent weights).
struct Initialization {
  double sw2 = 1.0;
  double sb2 = 0.0;
  double weight_noise = 0.0;
};

/// Throws std::invalid_argument, naming the field (sw2, sb2) and its value,
/// unless sw2 > 0 and sb2 >= 0 are finite.
void validate(const Initialization& init);

/// The layer whose equal-norm components the maps below are: Elementwise(phi)
/// then Dense(sw2, sb2). Nothing is validated (the solvers' route, called
/// with inputs they have checked once).
LayerMap layer_map(const Activation& phi, const Initialization& init);

// The maps one at a time. Each throws std::invalid_argument naming the field
// and its value unless init is valid, q >= 0 (q > 0 where c is an argument;
// +inf passes: a bounded phi has a limit there) and c lies in
// [-1, 1]; NaN never passes.

/// q' = sw2 E[phi(sqrt(q) z)^2] + sb2.
double length_map(const Activation& phi, const Initialization& init, double q);
/// dq'/dq.
double length_map_slope(const Activation& phi, const Initialization& init, double q);
/// q12' = sw2 E[phi(u1) phi(u2)] + sb2 for inputs of variance q, correlation c.
double covariance_map(const Activation& phi, const Initialization& init, double q, double c);
/// c' = q12' / q' for two inputs of variance q and correlation c.
double correlation_map(const Activation& phi, const Initialization& init, double q, double c);
/// 1 - c', without cancellation as c -> 1.
double correlation_map_complement(const Activation& phi, const Initialization& init, double q,
                                  double c);
/// dc'/dc at fixed input variance q (chi_c(c) when q is the fixed point q*).
double correlation_map_slope(const Activation& phi, const Initialization& init, double q, double c);
/// chi_1 = sw2 E[phi'(u)^2]: +inf for step activations.
double chi_1(const Activation& phi, const Initialization& init, double q);

/// Depth scale -1 / ln|chi| of a fixed point with slope chi (+inf at |chi| = 1).
double depth_scale(double chi);

struct LayerState {
  int layer = 0;
  double q = 0.0;
  double c = 0.0;
};

/// Throws std::invalid_argument naming the field unless depth >= 0, q0 > 0 is
/// finite and c0 lies in [-1, 1].
void validate_start(double q0, double c0, int depth);

/// Iterates both maps from (q0, c0): layers 0..depth, polling `interrupt`
/// at every layer (qmf/interrupt.hpp).
std::vector<LayerState> iterate_maps(const Activation& phi, const Initialization& init, double q0,
                                     double c0, int depth, const Interrupt& interrupt = {});

/// The full kernel state (unequal norms, NTK) of layers 0..depth, each layer
/// the same map: states[0] = input, states[l] = map(states[l - 1]); polls
/// `interrupt` at every layer.
std::vector<KernelState> propagate(const LayerMap& map, const KernelState& input, int depth,
                                   const Interrupt& interrupt = {});

}  // namespace qmf
