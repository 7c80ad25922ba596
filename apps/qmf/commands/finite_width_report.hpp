// qmf finite-width: the study as JSON, as the fit table (text and CSV) and as
// every width's layers (CSV and the figure's data).
#pragma once

#include <string>
#include <vector>

#include "cli/output.hpp"
#include "commands/finite_width_study.hpp"

namespace qmf::cli {

/// The parameters, every width's correlation depth, width_90 and the fits of
/// every layer.
Json study_json(const Study& study, const std::vector<double>& widths);

/// Why any of a width's xi_sim, xi_mf, ratio and ratio_se is missing, one
/// clause per field ("field: why", joined by "; "), or "" when none is.
std::string missing_depth_reason(const Study& study, const WidthRun& run);

/// The columns of fit_rows.
extern const char* const fit_header;

/// The fit table, one row per layer of study_json's "layers", `missing` where
/// a fit does not apply, numbers by `format` (full precision or readable).
std::string fit_rows(const Json& layers, char separator, const std::string& missing,
                     std::string (*format)(double) = format_number);

/// Every width's layers as CSV rows (n, l, simulated, chain and mean-field
/// values).
std::string width_rows(const Study& study);

/// Per width, layer l's q_sim - q_mf less the fitted a/n + b/n^2, in units
/// of its standard error: scattered about 0 within +-2 where the fit holds.
std::string length_residual_rows(const Study& study, int l);

/// The columns of width_rows.
extern const char* const width_header;

/// The readable output: the summary, every width's correlation depth and the
/// fit table.
std::string study_text(const Study& study, const Json& out);

}  // namespace qmf::cli
