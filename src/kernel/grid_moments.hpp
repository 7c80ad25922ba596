// One activation's pair moments at one variance q for many angles theta =
// acos(c) between the pair: the inner loop of the kernel recursions, where
// every cosine of a grid shares q at each layer (equal norms).
//
// For activations with an angle form (step activations) the deficits come
// from one Chebyshev interpolant per call instead of one orthant sum per
// angle: E[phi^2] - E[phi(u1) phi(u2)] = int_0^theta g, g(a) = sin(a) d/dc
// E[phi(u1) phi(u2)] at c = cos(a), is smooth on [0, pi] (the cusp at c = 1
// is a kink in c, a straight line in theta), so g is interpolated at
// Chebyshev points, integrated term by term and summed by Clenshaw's rule;
// the number of points doubles until the series' tail is below 1e-15 of its
// size, otherwise each angle is evaluated on its own. The coefficients come
// from one FFT (O(n log n)), and Clenshaw's rule runs for 32 angles at once:
// quant:16 needs n = 512, about 350 terms after the negligible tail.
#pragma once

#include <span>
#include <vector>

#include "qmf/activations/activation.hpp"

namespace qmf::detail {

/// The angle acos(c) of a pair of variance q whose half squared distance is
/// gap = q (1 - c), without rounding 1 - c (gap in [0, 2q]).
double pair_angle(double gap, double q);

/// E[phi(u)^2] - E[phi(u1) phi(u2)] for Var u1 = Var u2 = q and each angle
/// in [0, pi]. `points` is the number of Chebyshev points to start from; it
/// returns the number that sufficed (layers of one recursion pass it on,
/// their q changing little from one to the next).
std::vector<double> cross_moment_deficits(const Activation& phi, double q,
                                          std::span<const double> angles, int& points);

/// The deficits as above, the cross moments E[phi(u1) phi(u2)] and, when
/// `slopes` is set, d/dc E[phi(u1) phi(u2)] at each angle
/// (cross_moment_slopes). `cosines` are the cosines of the angles, given by
/// the caller with their relative precision as c -> 0, where the angle keeps
/// only an absolute one: there E[phi^2] - deficit would lose every digit of a
/// cross moment that vanishes with c (odd phi, deep in the chaotic phase), so
/// where it falls below E[phi^2] / 1024 at |c| <= 1/2 the cross moment is
/// recomputed from c (small_correlation_cross_moment). Activations with a
/// fast Hermite series (tanh, erf-like smooth ones) take all three from one
/// set of Hermite coefficients per call (activations/hermite_series.hpp:
/// Parseval-checked to 1e-12 of E[phi^2]) instead of a 2-D quadrature per
/// angle.
struct PairMoments {
  std::vector<double> deficit, slope, cross;
};
PairMoments pair_moments(const Activation& phi, double q, std::span<const double> angles,
                         std::span<const double> cosines, int& points, bool slopes);

/// E[phi(u1) phi(u2)] at correlation |c| <= 1/2 with relative accuracy as
/// c -> 0: E[phi]^2 plus the integral of d/dc E[phi(u1) phi(u2)] from 0 to c
/// by the 20-point Gauss-Legendre rule (the slope is analytic for |c| < 1,
/// so the rule converges like 5.8^-40 on [0, 1/2]).
double small_correlation_cross_moment(const Activation& phi, double q, double c);

/// The same by one activation call per angle (the reference route).
std::vector<double> cross_moment_deficits_pointwise(const Activation& phi, double q,
                                                    std::span<const double> angles);

/// d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)] at each angle in (0, pi)
/// (distributional phi' for step activations, finite away from c = +-1).
std::vector<double> cross_moment_slopes(const Activation& phi, double q,
                                        std::span<const double> angles);

}  // namespace qmf::detail
