// The phase-diagram figure of `qmf phase`: a heat map of the correlation depth
// scale xi_c on a logarithmic colour scale, the critical line on top, and the
// regions without a usable fixed point marked instead of painted; over a
// one-dimensional grid, xi_c against the variance that varies.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/phase_diagram.hpp"

namespace qmf::cli {

struct PhaseFigureInput {
  const PhaseDiagram& diagram;
  const std::vector<CriticalLinePoint>& line;
  // At each line point, the phase point the grid's start q0 = 1 leads to
  // (phase_point): another branch than the line's where several q* are stable.
  const std::vector<PhasePoint>& line_from_q0;
  // Where the line was searched: it has gaps where no point was found.
  const std::vector<double>& line_sb2;
  std::string act;      // the spec, for the title
  std::string weights;  // a quantized weight spec for the title, empty for Gaussian weights
  bool step = false;
};

/// The figure script for a grid of sw2_count x sb2_count points: the heat map
/// (phase.gp), or xi_c against the one variance that varies (phase_sweep.gp).
const char* phase_figure_script(std::size_t sw2_count, std::size_t sb2_count);

/// {suffix, bytes} pairs (PNG, SVG, PDF) for write_files().
std::vector<std::pair<std::string, std::string>> render_phase_figure(const PhaseFigureInput& in);

}  // namespace qmf::cli
