// qmf lmax's output: the rows as a tidy CSV and the human-readable tables.
#pragma once

#include <string>

#include "cli/output.hpp"

namespace qmf::cli {

/// One row per element of `rows` (a JSON array of objects with the same
/// keys), the keys as columns; null as an empty cell.
std::string rows_csv(const Json& rows);

/// The table output of lmax_result's JSON: the rows, the fits, and the
/// weight and sigma_b > 0 tables where present.
std::string lmax_readable(const Json& out);

}  // namespace qmf::cli
