// The stable fixed point c* of the correlation map, by Newton's method on
// 1 - c (in the angle acos c for step activations near c = 1).
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "activations/hermite_series.hpp"
#include "kernel/correlation_descent.hpp"
#include "kernel/correlation_integrals.hpp"
#include "kernel/describe.hpp"
#include "numerics/format_number.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

namespace {

using detail::DescendingIntegrals;
using detail::describe;
using detail::FreshIntegrals;
using detail::half_pi;
using detail::SeriesIntegrals;

// Newton's method for c* stops once a step is below this fraction of c.
constexpr double newton_tolerance = 2.0 * std::numeric_limits<double>::epsilon();
// Far from c* Newton's steps on the square-root cusp of a step activation
// shrink the distance to 1 - c* like a square root, and for a smooth
// activation near its order-chaos line they halve it: both reach quadratic
// convergence within ~60 steps from any double c*.
constexpr int max_newton_iterations = 200;
// chi_1 = sw2 E[phi'^2] carries a few roundings (16 eps ~ 3.6e-15).
constexpr double marginal_chi = 16.0 * std::numeric_limits<double>::epsilon();

// (1 - cos theta) / theta = 2 sin^2(theta/2) / theta.
double one_minus_cos_per_angle(double theta) {
  const double half_sine = std::sin(0.5 * theta);
  return 2.0 * half_sine * (half_sine / theta);
}

// The layer at the length fixed point q: E[phi^2] and q' = length_map once,
// not at every Newton step (for a step activation each costs an erfc per
// threshold, for a smooth one a quadrature).
struct MapAtLength {
  MapAtLength(const Activation& phi, const Initialization& init, double q)
      : dense({init.sw2, init.weight_noise}, init.sb2),
        second_moment(phi.second_moment(q)),
        length(dense.diagonal(second_moment)) {}
  Dense dense;
  double second_moment;
  double length;
};

// The correlation map of an activation with an angle form (a step activation)
// at input variance q seen from c = 1, in the angle theta = acos(c): exact
// where 1 - c underflows.
template <class Integrals>
class CorrelationFromOne {
 public:
  CorrelationFromOne(const Initialization& init, const MapAtLength& map, Integrals& integrals)
      : scale_(init.sw2 / map.length),
        noise_(init.weight_noise * map.second_moment / map.length),
        integrals_(integrals) {}
  /// (1 - C(cos theta)) / theta; per-example weight noise adds nu E[phi^2] / q'.
  [[nodiscard]] double complement_per_angle(double theta) const {
    const double deficit = scale_ * integrals_.per_angle(theta);
    return noise_ == 0.0 ? deficit : deficit + noise_ / theta;
  }
  /// C'(cos theta).
  [[nodiscard]] double slope(double theta) const {
    return scale_ * integrals_.slope_at_angle(theta);
  }

 private:
  double scale_;
  double noise_;
  Integrals& integrals_;
};

// One Newton step on G(d) = D(d) - d (stable_correlation_fixed_point) from
// d = 1 - c, given D(d) and chi = C'(c); all three may be scaled by a common
// factor. Returns d_next = d + G / (1 - chi) = (D - d chi) / (1 - chi): the
// first form is accurate for small corrections, the second when d_next << d
// (on the square-root cusp, where D << d and chi << 1).
double newton_step(double d, double complement, double chi, double c) {
  const double gap = complement - d;
  if (!std::isfinite(gap) || !std::isfinite(chi) || !(chi < 1.0))
    throw numerical_error("the correlation map has no finite slope below 1 at c = " + describe(c));
  const double correction = gap / (1.0 - chi);
  const double next = -correction < 0.5 * d ? d + correction : (complement - d * chi) / (1.0 - chi);
  if (!(next > 0.0) || !(next <= d))
    throw numerical_error("Newton's method for the correlation fixed point left [" + describe(c) +
                          ", 1), where the correlation map is convex");
  return next;
}

// The rest of the Newton iteration of stable_correlation_fixed_point for a
// step activation, in the angle theta = acos(c) < pi/3.
template <class Integrals>
CorrelationFixedPoint newton_in_angle(const CorrelationFromOne<Integrals>& map, double theta,
                                      int iteration, double q_star) {
  for (; iteration < max_newton_iterations; ++iteration) {
    const double complement = map.complement_per_angle(theta);
    if (complement == 0.0)
      throw numerical_error(
          "1 - c* lies below the range of double precision (the Plackett "
          "kernel underflows at q* = " +
          describe(q_star) + ")");
    const double d = one_minus_cos_per_angle(theta);
    if (complement >= d) return {std::cos(theta), map.slope(theta), theta};
    const double next = newton_step(d, complement, map.slope(theta), std::cos(theta));
    // theta_next = 2 asin(sqrt(d_next / 2)), d_next = theta next, in factors
    // that do not underflow.
    const double theta_next = 2.0 * std::asin(std::sqrt(theta) * std::sqrt(0.5 * next));
    // The iterates fall monotonically in exact arithmetic; an angle that does
    // not fall means the step is at the rounding level of the round trip
    // theta -> d -> theta (issue 15: steps:t=0.63;1.21,y=0.0;-1.76;-1.31 at
    // sw2 = 3.02, sb2 = 0 cycled there for 200 steps at theta* = 1.0097).
    if (d - next <= newton_tolerance * next || theta_next >= theta)
      return {std::cos(theta_next), map.slope(theta_next), theta_next};
    theta = theta_next;
  }
  throw numerical_error("Newton's method for c* did not converge in " +
                        std::to_string(max_newton_iterations) + " steps");
}
// 1 - C(c) (correlation_map_complement) from the deficit at c.
double complement_from_deficit(const MapAtLength& map, double deficit) {
  return map.dense.gap(deficit, map.second_moment, map.second_moment) / map.length;
}

template <class Integrals>
CorrelationFixedPoint correlation_fixed_point(const Activation& phi, const Initialization& init,
                                              double q_star, Integrals integrals) {
  const double chi1 = layer_map(phi, init).chi_1(q_star);
  // Per-example weight noise decorrelates identical inputs (1 - C(1) > 0): c = 1
  // is then no fixed point, and c* < 1 is found below whatever chi_1 is.
  // chi_1 within a few roundings above 1 is the order-chaos line itself (where
  // `critical` puts sw2): its c* would lie within ~1e-15 of 1, below what
  // Newton can resolve next to a double root, so it is reported as the line's
  // c* = 1 with chi_c = 1.
  if (chi1 <= 1.0 + marginal_chi && init.weight_noise == 0.0)
    return {1.0, std::min(chi1, 1.0), 0.0};
  const MapAtLength map(phi, init, q_star);
  // correlation_map_slope from the integrals' slope.
  auto slope_at = [&](double c) { return init.sw2 * integrals.slope(c) / map.length; };
  // C(0) = (sw2 E[phi]^2 + sb2) / q' exactly (independent inputs). At the
  // level of rounding noise it is zero, and so is c* (convexity, C(1) = 1).
  const double mean = phi.mean(q_star);
  const double at_zero = (init.sw2 * mean * mean + init.sb2) / map.length;
  if (at_zero <= 4.0 * std::numeric_limits<double>::epsilon()) return {0.0, slope_at(0.0), half_pi};
  // A degenerate map (e.g. sw2 = inf, which a search over q* meets where
  // E[phi^2] underflows) has no crossing to find: like a map that never
  // crosses, it is reported ordered.
  if (std::isnan(at_zero)) return {1.0, chi1, 0.0};
  // Newton's method on G(d) = D(d) - d, d = 1 - c and D(d) = 1 - C(1 - d),
  // from d = 1 (c = 0). C is convex on [0, 1] (Mehler's expansion has
  // non-negative coefficients), so G is concave, G(1) = -C(0) < 0, G(d*) = 0
  // and G' < 0 on (d*, 1]: every tangent lies above G, so each iterate stays
  // right of d* and the sequence falls monotonically to it, without a
  // bracket. The state is c itself while d >= 1/2 (c keeps its digits near
  // 0); a step activation then continues in the angle theta = acos(c), with
  // every quantity divided by theta: its d* can be 1e-511 (issue 15), far
  // below the doubles, while theta* ~ sqrt(2 d*) is not.
  const bool angle_form = phi.has_angle_form();
  double c = 0.0;
  // D from the deficit, not as 1 - C(0): a map that keeps every pair within
  // 1e-250 of c = 1 has C(0) = 1 to rounding.
  double complement = complement_from_deficit(map, integrals.at(c));
  // Not even independent inputs decorrelate: phi is constant to double
  // precision at this q* (thresholds 48 standard deviations out).
  if (complement == 0.0)
    throw numerical_error(
        "1 - c* lies below the range of double precision: phi(u) is constant "
        "to rounding for u ~ N(0, q* = " +
        describe(q_star) + ")");
  int iteration = 0;
  for (; iteration < max_newton_iterations; ++iteration) {
    const double d = 1.0 - c;
    const double chi = slope_at(c);
    const double next = newton_step(d, complement, chi, c);
    if (angle_form && next < 0.5) {
      // On to the angle: theta = acos(1 - next) without cancellation.
      return newton_in_angle(CorrelationFromOne<Integrals>{init, map, integrals},
                             2.0 * std::asin(std::sqrt(0.5 * next)), iteration, q_star);
    }
    // A small step is taken in c, which keeps c's digits near 0 (d = 1 - c
    // would round them away); a large one from d_next.
    const double c_next = next >= 0.5 * d ? c + (d - complement) / (1.0 - chi) : 1.0 - next;
    // chi_1 exceeds 1 by less than the resolution of c: numerically ordered.
    if (c_next >= 1.0) return {1.0, chi1, 0.0};
    // Quadratic convergence: once a step is at the rounding level of c, the
    // next one would be far below it.
    if (c_next - c <= newton_tolerance * c_next)
      return {c_next, slope_at(c_next), std::acos(c_next)};
    c = c_next;
    complement = complement_from_deficit(map, integrals.at(c));
    if (complement >= 1.0 - c) return {c, slope_at(c), std::acos(c)};
  }
  throw numerical_error("Newton's method for c* did not converge in " +
                        std::to_string(max_newton_iterations) + " steps");
}

}  // namespace

CorrelationFixedPoint stable_correlation_fixed_point(const Activation& phi,
                                                     const Initialization& init, double q_star) {
  // init is not validated: the searches for the critical point take it to
  // sw2 = +inf (the sigma_w -> infinity limit of step activations).
  if (!(q_star >= 0.0))
    throw std::invalid_argument("q_star must be a non-negative number (got " +
                                detail::format_number(q_star) + ")");
  return correlation_fixed_point(phi, init, q_star, FreshIntegrals(phi, q_star));
}

CorrelationFixedPoint detail::correlation_fixed_point_descending(const Activation& phi,
                                                                 const Initialization& init,
                                                                 double q_star) {
  // Only step activations have the kernel; another angle form integrates anew.
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  if (step == nullptr) return stable_correlation_fixed_point(phi, init, q_star);
  return correlation_fixed_point(phi, init, q_star, DescendingIntegrals(*step, q_star));
}

CorrelationFixedPoint detail::correlation_fixed_point_by_series(const Activation& phi,
                                                                const Initialization& init,
                                                                double q_star) {
  const HermiteSeries series(phi, q_star);
  if (!series.certified()) return stable_correlation_fixed_point(phi, init, q_star);
  return correlation_fixed_point(phi, init, q_star, SeriesIntegrals(series));
}

CorrelationFixedPoint detail::fast_correlation_fixed_point(const Activation& phi,
                                                           const Initialization& init,
                                                           double q_star) {
  if (phi.has_angle_form()) return correlation_fixed_point_descending(phi, init, q_star);
  if (phi.has_fast_hermite_series()) return correlation_fixed_point_by_series(phi, init, q_star);
  return stable_correlation_fixed_point(phi, init, q_star);
}

}  // namespace qmf
