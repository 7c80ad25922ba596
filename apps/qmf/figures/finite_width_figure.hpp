// The figure of `qmf finite-width --out PREFIX`: the fitted 1/n coefficients
// of every layer with their standard errors and the predicted ones, the last
// layer's residuals of the fit against width, and the correlation depth reached
// against width (finite_width.gp).
#pragma once

#include "cli/output.hpp"
#include "commands/finite_width_study.hpp"
#include "figures/figure.hpp"

namespace qmf::cli {

/// The figure's data and parameters from the study and its JSON (study_json).
Figure finite_width_figure(const Study& study, const Json& out);

}  // namespace qmf::cli
