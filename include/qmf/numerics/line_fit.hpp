// Ordinary least squares of a straight line, with the statistics a power-law
// fit in log-log coordinates is reported with.
#pragma once

#include <span>

namespace qmf {

struct LineFit {
  double slope = 0.0;
  double intercept = 0.0;
  double slope_stderr = 0.0;  // standard error of the slope, sqrt(SSR / (n - 2) / Sxx)
  double r2 = 0.0;            // coefficient of determination 1 - SSR / SST
};

/// Fits y = intercept + slope x. Needs at least 3 points and two distinct x
/// (std::invalid_argument otherwise).
LineFit fit_line(std::span<const double> x, std::span<const double> y);

}  // namespace qmf
