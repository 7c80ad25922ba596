// The phase diagram point by point, as qmf computed it before the grid route
// of phase_diagram (issue 14 item 6): a full length scan and Newton's method
// for c* from c = 0 at every grid point. Kept as the independent route the
// tests compare the grid route with, and as the benchmark's baseline.
#pragma once

#include <vector>

#include "qmf/kernel/phase_diagram.hpp"

namespace qmf::detail {

/// phase_point at every grid point, on `threads` OpenMP threads.
PhaseDiagram phase_diagram_point_by_point(const Activation& phi, const std::vector<double>& sw2,
                                          const std::vector<double>& sb2, int threads,
                                          const ProgressCallback& progress = {},
                                          const WeightPrior& unit_prior = {});

}  // namespace qmf::detail
