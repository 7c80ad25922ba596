// Integrals of a standard normal over one quantizer cell, without cancellation.
//
// The mean-squared error of a fine quantizer is a sum of tiny per-cell terms
// (z - level)^2 ~ width^2; expanding the square into moments of z would
// subtract numbers larger by (|z| / width)^2, up to 1e11 at N = 2^20. Here
// every finite cell is integrated directly in the offset from its midpoint.
#pragma once

namespace qmf {

struct CellMoments {
  double probability = 0.0;  // P(mid - half < z < mid + half)
  double mean_offset = 0.0;  // E[z - mid | cell]: the centroid relative to the midpoint
};

/// Probability and centroid offset of the finite cell [mid - half, mid + half].
CellMoments cell_moments(double mid, double half);

/// Integral over [mid - half, mid + half] of (z - mid - offset)^2 pdf(z): the
/// squared error of the cell when its level is mid + offset.
double cell_squared_error(double mid, double half, double offset);

/// E[z | z > t] = pdf(t) / Phi(-t): the centroid of the upper tail cell.
double upper_tail_centroid(double t);

/// Integral over (t, inf) of (z - level)^2 pdf(z), in closed form.
double upper_tail_squared_error(double t, double level);

}  // namespace qmf
