// Critical initialisation.
//
// Step activations have no ordered phase (chi_1 = inf), so "critical" means
// the sigma_w that maximises the correlation slope chi_c at c*, hence the
// depth scale xi_c. Smooth activations have an order-chaos line chi_1 = 1.
//
// Both searches take the weight prior per unit of the latent sigma_w^2
// (qmf::weight_prior(spec, 1.0) for quantized weights, {1, 0} for Gaussian
// ones): a latent sw2 gives the layer the shared variance sw2 * variance and
// the per-example noise sw2 * per_example_noise (docs/theory.md section 1.7).
#pragma once

#include <limits>

#include "qmf/interrupt.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

/// The largest sb2 the search takes. The maximiser's q* = sb2 + a weight part
/// of order t sqrt(sb2) (t a threshold): at sb2 = 1e20 the weight part is
/// resolved to ~1e-6 relative, at 1e30 to ~10 % (chi_c then came out 0.915
/// where its sb2 -> inf limit is 0.9228), and beyond ~1e40 it rounds away and
/// the search found no maximum (review K, 2).
inline constexpr double max_search_sb2 = 1e20;

struct StepCriticalPoint {
  double sw2 = 0.0;  // latent: the layer sees sw2 times the unit prior
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
/// With per-example weight noise chi_c is the slope at the noisy map's c* < 1.
/// sb2 must lie in [0, max_search_sb2] (std::invalid_argument otherwise).
/// `interrupt` is polled before every evaluation of chi_c (qmf/interrupt.hpp):
/// for quant:N at N ~ 1000 the search is ~200 of them in about a second.
StepCriticalPoint maximise_correlation_depth(const Activation& phi, double sb2,
                                             const WeightPrior& unit_prior = {},
                                             const Interrupt& interrupt = {});

struct SmoothCriticalPoint {
  double sw2 = 0.0;  // latent, as for StepCriticalPoint
  double q_star = 0.0;
  // The correlation map there: c* = 1 and chi_c = chi_1 = 1 (xi_c infinite)
  // unless per-example weight noise moves c* below 1.
  double c_star = 1.0;
  double chi_c = 1.0;
  double xi_c = std::numeric_limits<double>::infinity();
};

/// sigma_w^2 on the order-chaos line chi_1 = 1 at the given sb2 (root-found
/// over q*). With sb2 = 0 the line ends at q* -> 0, where sw2 = 1 / phi'(0)^2.
/// With quantized weights the line is chi_1 = 1 for the variance each input's
/// weights have (shared plus per-example): gradients keep their norm there.
/// Per-example noise leaves c* < 1 on it, evaluated at q* (at q = 1e-12,
/// where phi is linear to rounding, when the line ends at q* -> 0).
SmoothCriticalPoint order_chaos_transition(const Activation& phi, double sb2,
                                           const WeightPrior& unit_prior = {});

}  // namespace qmf
