// The two-sample Kolmogorov-Smirnov test, shared by the tests that compare
// two simulation methods' distributions.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace qmf::testing {

// P(D > d) for the two-sample Kolmogorov-Smirnov statistic of samples of
// sizes a and b: Kolmogorov's limit with Stephens's finite-sample correction
// (accurate to a few per cent of p at these sizes, far inside the margins below).
inline double ks_p_value(std::vector<double> x, std::vector<double> y) {
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  const double a = static_cast<double>(x.size());
  const double b = static_cast<double>(y.size());
  double d = 0.0;
  std::size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const double t = std::min(x[i], y[j]);
    while (i < x.size() && x[i] == t) ++i;
    while (j < y.size() && y[j] == t) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / a - static_cast<double>(j) / b));
  }
  const double n = std::sqrt(a * b / (a + b));
  const double lambda = (n + 0.12 + 0.11 / n) * d;
  double p = 0.0;
  for (int k = 1; k <= 100; ++k)
    p += 2.0 * ((k % 2) ? 1.0 : -1.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(p, 0.0, 1.0);
}

}  // namespace qmf::testing
