// Fixed points of the length and correlation maps and their slopes.
#pragma once

#include <vector>

#include "qmf/kernel/maps.hpp"

namespace qmf {

struct LengthFixedPoint {
  double q = 0.0;
  double chi_q = 0.0;     // slope of the length map there
  bool stable = false;    // |chi_q| < 1, not marginal
  bool marginal = false;  // |chi_q| = 1 to 1e-12: no exponential approach either way
};

/// Every positive fixed point of the length map that a scan resolves, in
/// increasing order. A quantizer can have several; with sb2 = 0 an activation
/// with phi(0) = 0 also has q = 0, which is not listed.
std::vector<LengthFixedPoint> length_fixed_points(const Activation& phi,
                                                  const Initialization& init);

/// The fixed point the length map converges to from q0. Throws
/// numerical_error if the iteration collapses to q = 0, diverges, or lands on
/// a fixed point it cannot converge to. One collapse is an answer: at sb2 = 0
/// an activation with phi(0) = 0 and sw2 phi'(0)^2 = 1 (the end of the
/// order-chaos line, tanh at sw2 = 1) approaches q = 0 algebraically (tanh:
/// q_l ~ 1 / (2 l)) on a marginal fixed point, returned as {0, 1, false, true}.
LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0);
/// The same, choosing among `points`, the result of length_fixed_points(phi,
/// init), for callers that need both without scanning twice.
LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0, const std::vector<LengthFixedPoint>& points);

/// The variance the pre-activations settle on from q0: the stable length fixed
/// point, or 0 where the length map collapses (a step activation at sb2 = 0
/// whose zero level swallows small inputs, quant:3 at sw2 = 0.25). Throws
/// numerical_error when the map neither settles nor collapses.
double reached_length(const Activation& phi, const Initialization& init, double q0);

struct CorrelationFixedPoint {
  double c = 1.0;  // the nearest double: 1 when 1 - c* < 1.1e-16
  double chi_c = 0.0;
  /// theta* = acos(c*) with full relative precision, also where 1 - c* =
  /// 2 sin^2(theta*/2) underflows (step activations in the cusp regime).
  double angle = 0.0;
};

/// The stable fixed point c* in [0, 1] of the correlation map at the length
/// fixed point q_star: c* = 1 when chi_1 <= 1 (ordered phase) and there is no
/// per-example weight noise (which makes c = 1 no fixed point); otherwise the
/// unique root in [0, 1) (the map is convex on [0, 1] by Mehler's expansion),
/// found by Newton's method from c = 0. Throws std::invalid_argument naming
/// q_star when it is negative or NaN, and numerical_error if Newton fails.
CorrelationFixedPoint stable_correlation_fixed_point(const Activation& phi,
                                                     const Initialization& init, double q_star);

/// Everything `qmf maps` reports about the fixed points. Where the length map
/// is the identity (every_q_fixed: sb2 = 0 with relu at sw2 = 2, linear at 1)
/// every q is a marginal fixed point: the list holds q0 alone, which is `length`.
/// At length.q = 0 (the marginal collapse above) the correlation map becomes
/// the identity too: c = 1 with chi_c = chi_1 = 1, marginal, is reported, while
/// every other c is as fixed (c_l freezes near c0).
struct MeanFieldFixedPoint {
  LengthFixedPoint length;
  std::vector<LengthFixedPoint> all_length_fixed_points;
  bool every_q_fixed = false;
  CorrelationFixedPoint correlation;
  double chi_1 = 0.0;
  double xi_q = 0.0;
  double xi_c = 0.0;
};

MeanFieldFixedPoint mean_field_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0 = 1.0);

}  // namespace qmf
