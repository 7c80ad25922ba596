// The correlation fixed point with the deficit updated along the Newton
// iteration instead of integrated anew at each step (library-internal; used
// by the phase diagram's grid route).
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

}  // namespace qmf::detail
