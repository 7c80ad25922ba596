// The range syntax A:B:n of docs/cli.md: n evenly spaced values from A to B,
// both ends included.
#pragma once

#include <string>
#include <vector>

namespace qmf::cli {

/// Parses "A:B:n" (finite A <= B; integer n >= 2, or n = 1 with A = B). Throws
/// std::invalid_argument naming `argument` (e.g. "--sw2") on malformed, empty or
/// decreasing ranges.
std::vector<double> parse_grid_range(const std::string& text, const std::string& argument);

}  // namespace qmf::cli
