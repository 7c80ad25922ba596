// Runs of Gaussian factors exp(-scale x^2) along equally spaced x, for several
// scales at once (library-internal; used by plackett_kernel.hpp). The scales
// are the nodes of one quadrature panel: the recurrences run side by side in
// SIMD lanes instead of one latency-bound chain per node. (The anchor
// exponentials stay glibc's: Eigen's SSE2 exp measured no faster here than
// glibc's FMA exp, and glibc's underflows to exactly 0.)
#pragma once

#include <Eigen/Core>
#include <cmath>

namespace qmf::detail {

/// One value per node of a panel of Lanes nodes (fixed size: no heap, no
/// copy loops, whole SIMD registers).
template <int Lanes>
using PanelValues = Eigen::Array<double, Lanes, 1>;

namespace plackett {
// exp(x) underflows to 0 below this; skipping the call also skips glibc's
// slow underflow path.
constexpr double exp_underflow = -745.2;

inline double exp_or_zero(double x) { return x < exp_underflow ? 0.0 : std::exp(x); }

/// exp(x) elementwise, exactly 0 where it underflows.
template <int Lanes>
PanelValues<Lanes> exp_or_zero(const PanelValues<Lanes>& x) {
  PanelValues<Lanes> values;
  for (int i = 0; i < Lanes; ++i) values(i) = exp_or_zero(x(i));
  return values;
}
}  // namespace plackett

/// exp(-scale x^2) along x = x0, x0 + step, x0 + 2 step, ... moving away from
/// the vertex x = 0 (x0 step >= -step^2 / 2), so every ratio is <= 1, for
/// each scale. Between exact exponentials every 8 points, a value is the
/// previous one times the ratio exp(-scale step (2x + step)), itself updated
/// by the constant factor exp(-2 scale step^2): after m products the relative
/// error is at most (m^2 + m + 1) ulp, so anchoring every 8 points keeps it
/// below 57 ulp (6e-15) while replacing most exponentials by two
/// multiplications. Calls out(i, values) for i = 0 .. count - 1.
template <int Lanes, class Out>
void gaussian_runs(const PanelValues<Lanes>& scale, double x0, double step, int count, Out out) {
  constexpr int anchor_every = 8;
  // From a vertex at x = 0 (both runs of a symmetric staircase) the first
  // value is 1 and the factor the square of the first ratio: one exponential
  // instead of three (the factor's extra ulp is within the bound above).
  PanelValues<Lanes> first_ratio = PanelValues<Lanes>::Zero();
  PanelValues<Lanes> factor = PanelValues<Lanes>::Zero();
  if (x0 == 0.0) {
    first_ratio = plackett::exp_or_zero<Lanes>(-step * step * scale);
    factor = first_ratio * first_ratio;
  } else {
    factor = plackett::exp_or_zero<Lanes>(-2.0 * step * step * scale);
  }
  PanelValues<Lanes> value = PanelValues<Lanes>::Zero();
  PanelValues<Lanes> ratio = PanelValues<Lanes>::Zero();
  for (int anchor = 0; anchor < count; anchor += anchor_every) {
    const double x = x0 + anchor * step;
    if (x == 0.0) {
      value.setOnes();
      ratio = first_ratio;
    } else {
      value = plackett::exp_or_zero<Lanes>(-x * x * scale);
      ratio = plackett::exp_or_zero<Lanes>(-step * (2.0 * x + step) * scale);
    }
    out(anchor, value);
    for (int i = anchor + 1; i < count && i < anchor + anchor_every; ++i) {
      value *= ratio;
      ratio *= factor;
      out(i, value);
    }
  }
}

}  // namespace qmf::detail
