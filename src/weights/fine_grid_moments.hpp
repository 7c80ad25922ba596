// Moments of rounding a standard normal z onto a fine uniform grid, from
// their expansion in the spacing rather than a sum over the grid's cells
// (bits:32 has 2^32 - 2 cells; docs/theory.md section 1.7).
//
// The grid is -L, -L + D, ..., L with an even number of cells 2L/D, so 0 and
// +-L are levels. Inside [-L, L] the rounding error and the rounding variance
// are periodic in z with period D; their Fourier series integrated against
// the Gaussian density over [-L, L], by parts, leave only terms at the ends
// +-L (powers of D times pdf(L) and Hermite polynomials of L) plus terms of
// order exp(-2 pi^2 / D^2), which vanish in double precision for D < 0.3.
// The series below stop at D^6; the first omitted term is of order
// D^8 pdf(L) L^7, below 1e-19 of the result for more than 2^14 cells.
#pragma once

namespace qmf::detail {

/// E[Var(Q | z)] of stochastic rounding:
/// D^2 [P/6 + L p D^2 / 180 - He3(L) p D^4 / 7560], P = P(|z| < L), p = pdf(L),
/// He3(L) = L^3 - 3L.
double fine_grid_rounding_variance(double top, double spacing);

/// E[Q(z)^2] - E[clip(z)^2] of nearest rounding:
/// D^2 [P/12 + L p/6 + 7 (L - He3(L)) p D^2 / 1440 + 31 (He5(L) - He3(L)) p D^4 / 241920],
/// He5(L) = L^5 - 10 L^3 + 15 L.
double fine_grid_nearest_excess(double top, double spacing);

}  // namespace qmf::detail
