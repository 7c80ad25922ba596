// The correlation fixed point with the correlation integrals updated along
// the Newton iteration, or summed from a series, instead of integrated anew at
// each step (library-internal; used by the phase diagram's grid route).
#pragma once

#include "qmf/kernel/fixed_points.hpp"

namespace qmf::detail {

/// stable_correlation_fixed_point for an activation with an angle form
/// (has_angle_form()): the same Newton iteration, which only moves down in the
/// angle acos(c) from c = 0, where the deficit is the variance of phi(u) in
/// closed form; each step to at least half the angle adds one panel of the
/// deficit's fixed rule, a longer one integrates anew.
CorrelationFixedPoint correlation_fixed_point_descending(const Activation& phi,
                                                         const Initialization& init, double q_star);

/// stable_correlation_fixed_point for an activation whose Hermite series
/// converges fast (Activation::has_fast_hermite_series()): the same Newton
/// iteration with the deficit and slope summed from the series of phi at
/// q_star (activations/hermite_series.hpp), or, when the series fails its
/// Parseval checks, integrated as stable_correlation_fixed_point does.
CorrelationFixedPoint correlation_fixed_point_by_series(const Activation& phi,
                                                        const Initialization& init, double q_star);

/// stable_correlation_fixed_point by the fastest route above that applies to
/// phi (descending for an angle form, the series for a fast Hermite series,
/// fresh integrals otherwise): what the phase grid, `maps` and the smooth
/// critical line use; stable_correlation_fixed_point stays the reference.
CorrelationFixedPoint fast_correlation_fixed_point(const Activation& phi,
                                                   const Initialization& init, double q_star);

}  // namespace qmf::detail
