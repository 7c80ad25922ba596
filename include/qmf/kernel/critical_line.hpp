// The line a phase diagram draws over its heat map: the order-chaos
// transition chi_1 = 1 for smooth activations, root-found at each sigma_b^2
// (not a contour of a grid); for step activations, which have no ordered
// phase, the sigma_w^2 that maximises the correlation depth scale.
#pragma once

#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/kernel/layers.hpp"
#include "qmf/kernel/phase_diagram.hpp"

namespace qmf {

struct CriticalLinePoint {
  double sb2 = 0.0;
  double sw2 = 0.0;
  double xi_c = 0.0;  // at the point: +inf on the chi_1 = 1 line, xi_max for steps
  // The length fixed point the line's xi_c belongs to. With several stable
  // fixed points (step activations with several levels' branches) it need not
  // be the one the length map reaches from a given q0.
  double q_star = 0.0;
};

/// The line at each sb2 where the library finds it; values of sb2 without one
/// (a numerical_error) are left out. OpenMP over sb2 on `threads` threads.
/// sw2 is latent for the weight prior per unit of it (qmf/kernel/critical.hpp).
/// `interrupt` is polled before every sb2 (qmf/interrupt.hpp).
std::vector<CriticalLinePoint> critical_line(const Activation& phi, const std::vector<double>& sb2,
                                             int threads, const WeightPrior& unit_prior = {},
                                             const Interrupt& interrupt = {});

/// The phase point (the fixed point reached from q0, qmf/kernel/phase_diagram.hpp)
/// at the line point's latent sw2 and sb2: with several stable q* it may lie
/// on another branch than the line's.
PhasePoint phase_point_on_line(const Activation& phi, const CriticalLinePoint& point,
                               const WeightPrior& unit_prior = {}, double q0 = 1.0);

/// Whether the length map from q0 (`from_q0`, the phase point there) reaches
/// the line point's fixed point q*, to 1e-6 relative.
bool reaches_line_branch(const CriticalLinePoint& point, const PhasePoint& from_q0);

}  // namespace qmf
