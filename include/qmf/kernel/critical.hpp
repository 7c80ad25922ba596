// Critical initialisation.
//
// Step activations have no ordered phase (chi_1 = inf), so "critical" means
// the sigma_w that maximises the correlation slope chi_c at c*, hence the
// depth scale xi_c. Smooth activations have an order-chaos line chi_1 = 1.
#pragma once

#include "qmf/kernel/maps.hpp"

namespace qmf {

struct StepCriticalPoint {
  double sw2 = 0.0;
  double q_star = 0.0;
  double c_star = 0.0;
  double chi_max = 0.0;     // chi_c at c*, maximised over sw2
  double xi_max = 0.0;      // -1 / ln chi_max
  bool degenerate = false;  // chi_c does not depend on sw2 (e.g. sign with sb2 = 0)
};

/// Maximises chi_c(c*) over sigma_w^2 at fixed sb2 for a step activation.
/// The search runs over the fixed point q* itself, sw2(q*) = (q* - sb2) / E[phi^2](q*),
/// so no inner fixed-point solve is needed. Throws numerical_error if chi_c
/// has no maximum at finite sigma_w (it rises towards the edge of the search),
/// or if the maximiser is not a stable fixed point of the length map.
StepCriticalPoint maximise_correlation_depth(const Activation& phi, double sb2);

struct SmoothCriticalPoint {
  double sw2 = 0.0;
  double q_star = 0.0;
};

/// sigma_w^2 on the order-chaos line chi_1 = 1 at the given sb2 (root-found
/// over q*). With sb2 = 0 the line ends at q* -> 0, where sw2 = 1 / phi'(0)^2.
SmoothCriticalPoint order_chaos_transition(const Activation& phi, double sb2);

}  // namespace qmf
