// The critical initialisation as one result, whatever the activation kind:
// what `qmf critical` prints and `qmf.critical` returns, computed once.
//
// Step activations: the sigma_w^2 that maximises chi_c(c*) (maximise_correlation_depth).
// Smooth activations: the order-chaos line chi_1 = 1 (order_chaos_transition).
// Both searches run over the latent sigma_w^2 of the weights; the maps see
// sw2 * (variance + per_example_noise) of the unit prior.
#pragma once

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/critical.hpp"

namespace qmf {

struct CriticalInitialisation {
  bool step = false;  // which search produced it
  double sw2 = 0.0;   // latent sigma_w^2
  double q_star = 0.0;
  double c_star = 1.0;
  /// chi_c at c*: maximised over sw2 (step) or on the line (smooth, 1 without noise).
  double chi = 1.0;
  /// -1 / ln chi: +inf on the line with Gaussian weights.
  double xi = 0.0;
  bool degenerate = false;  // step only: chi_c does not depend on sw2
  /// Central threshold spacing over sqrt(q*) (step activations with a spacing), else NaN.
  double dtilde = 0.0;
  double sw2_effective = 0.0;  // sw2 * (E[Q^2] + nu): each input's weight variance
  double weight_noise = 0.0;   // sw2 * nu: the per-example part of it
  double k = 0.0;
  double l_max = 0.0;  // k * xi
};

/// Throws std::invalid_argument naming "k" unless k is positive and finite, and
/// whatever the searches throw (numerical_error when they find no point).
CriticalInitialisation critical_initialisation(const Activation& phi, double sb2,
                                               const WeightPrior& unit_prior, double k);

}  // namespace qmf
