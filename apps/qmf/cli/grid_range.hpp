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

/// Half the spacing of such a grid: the half-width of a figure's cells on that
/// axis; `single` for one value, or a range that repeats one value (A:A:n).
inline double half_step(const std::vector<double>& axis, double single = 0.5) {
  return axis.size() > 1 && axis[1] > axis[0] ? 0.5 * (axis[1] - axis[0]) : single;
}

}  // namespace qmf::cli
