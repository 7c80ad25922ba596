// The trainability figure: the sweep's test accuracies as a heat map with the
// k xi curves (figures/trainability.gp renders it).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/output.hpp"

namespace qmf::cli {

struct TrainabilityPlot {
  std::string title;
  std::string ylabel;
  /// One per cell: {"depth", "y", "test_accuracy" (null if diverged), "diverged"}.
  Json cells;
  /// The theory's depth scale along the y axis: {"y", "xi"} rows, y increasing.
  Json xi_curve;
  double half_width = 0.5;   // of a cell along the depth axis
  double half_height = 0.5;  // along y
  double y_tic_step = 0.0;   // 0: gnuplot's choice
};

/// {".png", bytes}, {".svg", bytes}, {".pdf", bytes}.
std::vector<std::pair<std::string, std::string>> render_trainability_figure(
    const TrainabilityPlot& plot);

}  // namespace qmf::cli
