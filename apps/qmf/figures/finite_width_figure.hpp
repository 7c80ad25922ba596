// The figure of `qmf finite-width --out PREFIX`: every layer's deviation from
// the mean field times n, one colour per width, with the fitted and predicted
// 1/n coefficients, and the correlation depth reached against width
// (finite_width.gp).
#pragma once

#include "cli/output.hpp"
#include "commands/finite_width_study.hpp"
#include "figures/figure.hpp"

namespace qmf::cli {

/// The figure's data and parameters from the study and its JSON (study_json).
Figure finite_width_figure(const Study& study, const Json& out);

}  // namespace qmf::cli
