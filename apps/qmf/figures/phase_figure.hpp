// The phase-diagram figure of `qmf phase`: a heat map of the correlation depth
// scale xi_c on a logarithmic colour scale, the critical line on top, and the
// regions without a usable fixed point marked instead of painted.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/phase_diagram.hpp"

namespace qmf::cli {

struct PhaseFigureInput {
  const PhaseDiagram& diagram;
  const std::vector<CriticalLinePoint>& line;
  std::string act;  // the spec, for the title
  bool step = false;
};

/// {suffix, bytes} pairs (PNG, SVG, PDF) for write_files().
std::vector<std::pair<std::string, std::string>> render_phase_figure(const PhaseFigureInput& in);

}  // namespace qmf::cli
