#include "qmf/kernel/fixed_points.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "activations/smooth_activations.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/errors.hpp"

namespace qmf {

namespace {

constexpr int scan_points_per_decade = 24;
// Newton's method for c* stops once a step is below this fraction of c.
constexpr double newton_tolerance = 2.0 * std::numeric_limits<double>::epsilon();
// Far from c* Newton's steps on the square-root cusp of a step activation
// shrink the distance to 1 - c* like a square root, and for a smooth
// activation near its order-chaos line they halve it: both reach quadratic
// convergence within ~60 steps from any double c*.
constexpr int max_newton_iterations = 200;

template <class F>
double bracketed_root(F&& f, double lo, double hi, double f_lo, double f_hi) {
  boost::uintmax_t max_iterations = 200;
  const auto bracket = boost::math::tools::toms748_solve(
      f, lo, hi, f_lo, f_hi, boost::math::tools::eps_tolerance<double>(52), max_iterations);
  return 0.5 * (bracket.first + bracket.second);
}

std::string describe(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

// Where the positive fixed points can be: above sb2 (the map is at least sb2)
// and, for bounded phi, below sw2 sup|phi|^2 + sb2.
std::pair<double, double> length_search_range(const Activation& phi, const Initialization& init) {
  const double bound = phi.bound();
  // For bounded phi the map cannot exceed sw2 sup|phi|^2 + sb2; 1e-12 above
  // it, quadrature rounding of E[phi^2] (a few ulps over sup|phi|^2) cannot
  // turn the last sign of the gap.
  const double hi = std::isfinite(bound) ? (init.sw2 * bound * bound + init.sb2) * (1.0 + 1e-12)
                                         : 1e12 * std::max(1.0, init.sb2);
  const double lo = init.sb2 > 0.0 ? init.sb2 : 1e-12 * std::min(hi, 1.0);
  if (!(lo > 0.0))
    throw numerical_error("sw2 = " + describe(init.sw2) +
                          " puts every fixed point of the length map below the range of double "
                          "precision");
  return {lo, hi};
}

// The fixed point q lies on, to the resolution of its root: the gap's
// rounding, ~eps q, over the contraction 1 - |chi_q|, but never wider than
// 1e-6 q, where |chi_q| -> 1 makes the root marginal.
const LengthFixedPoint* fixed_point_at(const std::vector<LengthFixedPoint>& points, double q) {
  for (const auto& p : points) {
    const double contraction = std::min(std::fabs(1.0 - p.chi_q), 1.0 - std::fabs(p.chi_q));
    const double resolution = std::min(
        8.0 * std::numeric_limits<double>::epsilon() * q / std::fabs(contraction), 1e-6 * q);
    if (std::fabs(p.q - q) <= resolution) return &p;
  }
  return nullptr;
}

// A step activation whose squared level never decreases along a ray from
// x = 0 (the condition of length_map_is_monotone).
bool square_grows_outward(const StepActivation& phi) {
  const auto& t = phi.thresholds();
  const auto& y = phi.levels();
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double inner = t[k] > 0.0 ? y[k] : y[k + 1];
    const double outer = t[k] > 0.0 ? y[k + 1] : y[k];
    if (t[k] != 0.0 && outer * outer < inner * inner) return false;
  }
  return true;
}

// When phi^2 never decreases along a ray from x = 0, phi(sqrt(q) z)^2 grows
// with q for every z, and so does the length map: a proof of monotonicity
// that the closed-form activations and the quantizers satisfy. Anything else
// (a user's steps or smooth phi) is not assumed monotone.
bool length_map_is_monotone(const Activation& phi) {
  if (const auto* step = dynamic_cast<const StepActivation*>(&phi))
    return square_grows_outward(*step);
  return dynamic_cast<const detail::Tanh*>(&phi) || dynamic_cast<const detail::HardTanh*>(&phi) ||
         dynamic_cast<const detail::Erf*>(&phi) || dynamic_cast<const detail::Relu*>(&phi) ||
         dynamic_cast<const detail::Linear*>(&phi);
}

// A non-decreasing continuous map moves every iterate the same way, towards
// the nearest fixed point in the direction of the gap, without overshooting it.
LengthFixedPoint nearest_in_flow_direction(const Activation& phi, const Initialization& init,
                                           double q0, const std::vector<LengthFixedPoint>& points) {
  const double gap0 = length_map(phi, init, q0) - q0;
  const LengthFixedPoint* target = nullptr;
  if (gap0 > 0.0) {
    for (const auto& p : points)
      if (p.q > q0 && !target) target = &p;
    if (!target)
      throw numerical_error("the length map diverges from q0 = " + describe(q0) +
                            ": no fixed point above it");
  } else if (gap0 < 0.0) {
    for (const auto& p : points)
      if (p.q < q0) target = &p;
    if (!target)
      throw numerical_error("the length map collapses to q = 0 from q0 = " + describe(q0) +
                            ": no positive fixed point below it");
  } else {
    const double slope = length_map_slope(phi, init, q0);
    return {q0, slope, std::fabs(slope) < 1.0};
  }
  if (std::isnan(target->chi_q))
    throw numerical_error("the length map has no finite slope at its fixed point q = " +
                          describe(target->q));
  if (!(target->chi_q < 1.0 && target->chi_q > -1.0))
    throw numerical_error("the length map from q0 = " + describe(q0) +
                          " approaches q = " + describe(target->q) + " with slope " +
                          describe(target->chi_q) + " and does not converge");
  return *target;
}

// Without monotonicity an iterate can jump past the nearest fixed point
// (issue 15: 1 -> 8.04 -> 11.2 -> 123.5 -> ... -> 354208.87, past q = 4.01),
// so the map is followed layer by layer until it settles on a stable fixed
// point. Any |chi_q| <= 0.998 gets from O(1) to 1e-6 of q* well within the
// limit; slower convergence and cycles are reported.
constexpr int max_followed_layers = 100000;
// Within this fraction of a stable fixed point the iteration has settled
// there (its linearisation contracts by |chi_q| per layer). Far above the
// rounding noise of the iterates (a level of 661 on a tail of probability
// 1e-6 makes the map's rounding ~1e-14 q, and the iterates a 2-cycle at that
// level), far below the distance between distinct fixed points.
constexpr double settled = 1e-9;

LengthFixedPoint follow_length_iteration(const Activation& phi, const Initialization& init,
                                         double q0, const std::vector<LengthFixedPoint>& points) {
  const auto [lo, hi] = length_search_range(phi, init);
  double q = q0;
  for (int layer = 1; layer <= max_followed_layers; ++layer) {
    q = length_map(phi, init, q);
    if (!(q <= hi))
      throw numerical_error("the length map diverges from q0 = " + describe(q0) + " (q = " +
                            describe(q) + " after " + std::to_string(layer) + " layers)");
    if (!(q >= lo))
      throw numerical_error("the length map collapses to q = 0 from q0 = " + describe(q0));
    for (const auto& p : points)
      if (p.stable && std::fabs(q - p.q) <= settled * p.q) return p;
  }
  throw numerical_error("the length map from q0 = " + describe(q0) +
                        " settles on no fixed point within " + std::to_string(max_followed_layers) +
                        " layers (it cycles or converges too slowly)");
}

constexpr double half_pi = 1.5707963267948966;

// (1 - cos theta) / theta = 2 sin^2(theta/2) / theta.
double one_minus_cos_per_angle(double theta) {
  const double half_sine = std::sin(0.5 * theta);
  return 2.0 * half_sine * (half_sine / theta);
}

// The correlation map of a step activation at input variance q seen from
// c = 1, in the angle theta = acos(c): exact where 1 - c underflows.
class StepCorrelationFromOne {
 public:
  StepCorrelationFromOne(const StepActivation& phi, const Initialization& init, double q)
      : phi_(phi), q_(q), scale_(init.sw2 / length_map(phi, init, q)) {}
  /// (1 - C(cos theta)) / theta.
  [[nodiscard]] double complement_per_angle(double theta) const {
    return scale_ * phi_.cross_moment_deficit_per_angle(q_, theta);
  }
  /// C'(cos theta).
  [[nodiscard]] double slope(double theta) const {
    return scale_ * phi_.cross_moment_slope_at_angle(q_, theta);
  }

 private:
  const StepActivation& phi_;
  double q_;
  double scale_;
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
CorrelationFixedPoint newton_in_angle(const StepCorrelationFromOne& map, double theta,
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
    if (d - next <= newton_tolerance * next)
      return {std::cos(theta_next), map.slope(theta_next), theta_next};
    theta = theta_next;
  }
  throw numerical_error("Newton's method for c* did not converge in " +
                        std::to_string(max_newton_iterations) + " steps");
}

}  // namespace

std::vector<LengthFixedPoint> length_fixed_points(const Activation& phi,
                                                  const Initialization& init) {
  validate(init);
  const auto [lo, hi] = length_search_range(phi, init);
  auto gap = [&](double q) { return length_map(phi, init, q) - q; };
  std::vector<LengthFixedPoint> points;
  auto record = [&](double q) {
    const double slope = length_map_slope(phi, init, q);
    points.push_back({q, slope, std::fabs(slope) < 1.0});
  };
  // Scan log q (in logs: hi / lo can overflow); at q = hi the gap is <= 0 for
  // bounded phi, so the last interval closes every bracket.
  const int intervals = std::max(
      8, static_cast<int>(std::ceil(scan_points_per_decade * (std::log10(hi) - std::log10(lo)))));
  double q_prev = lo;
  double g_prev = gap(lo);
  if (g_prev == 0.0) record(lo);
  for (int i = 1; i <= intervals; ++i) {
    const double q = i == intervals
                         ? hi
                         : std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / intervals);
    const double g = gap(q);
    // NaN would pass for a sign change below and send the root search a
    // bracket without one (a Boost error naming toms748_solve).
    if (std::isnan(g))
      throw numerical_error("the length map has no value at q = " + describe(q) + " (sw2 = " +
                            describe(init.sw2) + ", sb2 = " + describe(init.sb2) + ")");
    if (g == 0.0) {
      // A run of exact zeros (relu or linear exactly at sw2 = 2 or 1 with
      // sb2 = 0: every q is fixed) is reported once, at its start.
      if (g_prev != 0.0) record(q);
    } else if (g_prev != 0.0 && (g_prev < 0.0) != (g < 0.0)) {
      record(bracketed_root(gap, q_prev, q, g_prev, g));
    }
    q_prev = q;
    g_prev = g;
  }
  return points;
}

LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0) {
  return stable_length_fixed_point(phi, init, q0, length_fixed_points(phi, init));
}

LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0, const std::vector<LengthFixedPoint>& points) {
  if (!std::isfinite(q0) || !(q0 > 0.0))
    throw std::invalid_argument("--q0 must be a positive finite number");
  if (const auto* p = fixed_point_at(points, q0)) return *p;
  if (length_map_is_monotone(phi)) return nearest_in_flow_direction(phi, init, q0, points);
  return follow_length_iteration(phi, init, q0, points);
}

CorrelationFixedPoint stable_correlation_fixed_point(const Activation& phi,
                                                     const Initialization& init, double q_star) {
  const double chi1 = chi_1(phi, init, q_star);
  if (chi1 <= 1.0) return {1.0, chi1, 0.0};
  // C(0) = (sw2 E[phi]^2 + sb2) / q' exactly (independent inputs). At the
  // level of rounding noise it is zero, and so is c* (convexity, C(1) = 1).
  const double mean = phi.mean(q_star);
  const double at_zero = (init.sw2 * mean * mean + init.sb2) / length_map(phi, init, q_star);
  if (at_zero <= 4.0 * std::numeric_limits<double>::epsilon())
    return {0.0, correlation_map_slope(phi, init, q_star, 0.0), half_pi};
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
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  double c = 0.0;
  // D from the deficit, not as 1 - C(0): a map that keeps every pair within
  // 1e-250 of c = 1 has C(0) = 1 to rounding.
  double complement = correlation_map_complement(phi, init, q_star, c);
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
    const double chi = correlation_map_slope(phi, init, q_star, c);
    const double next = newton_step(d, complement, chi, c);
    if (step && next < 0.5) {
      // On to the angle: theta = acos(1 - next) without cancellation.
      return newton_in_angle({*step, init, q_star}, 2.0 * std::asin(std::sqrt(0.5 * next)),
                             iteration, q_star);
    }
    // A small step is taken in c, which keeps c's digits near 0 (d = 1 - c
    // would round them away); a large one from d_next.
    const double c_next = next >= 0.5 * d ? c + (d - complement) / (1.0 - chi) : 1.0 - next;
    // chi_1 exceeds 1 by less than the resolution of c: numerically ordered.
    if (c_next >= 1.0) return {1.0, chi1, 0.0};
    // Quadratic convergence: once a step is at the rounding level of c, the
    // next one would be far below it.
    if (c_next - c <= newton_tolerance * c_next)
      return {c_next, correlation_map_slope(phi, init, q_star, c_next), std::acos(c_next)};
    c = c_next;
    complement = correlation_map_complement(phi, init, q_star, c);
    if (complement >= 1.0 - c)
      return {c, correlation_map_slope(phi, init, q_star, c), std::acos(c)};
  }
  throw numerical_error("Newton's method for c* did not converge in " +
                        std::to_string(max_newton_iterations) + " steps");
}

MeanFieldFixedPoint mean_field_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0) {
  MeanFieldFixedPoint result;
  result.all_length_fixed_points = length_fixed_points(phi, init);
  result.length = stable_length_fixed_point(phi, init, q0, result.all_length_fixed_points);
  // A marginal map (linear at sw2 = 1, relu at sw2 = 2, sb2 = 0) fixes every
  // q: the scan lists the run once, at its start, and q0 itself belongs in
  // the list too.
  auto& all = result.all_length_fixed_points;
  if (!fixed_point_at(all, result.length.q))
    all.insert(std::upper_bound(all.begin(), all.end(), result.length.q,
                                [](double q, const LengthFixedPoint& p) { return q < p.q; }),
               result.length);
  result.correlation = stable_correlation_fixed_point(phi, init, result.length.q);
  result.chi_1 = chi_1(phi, init, result.length.q);
  result.xi_q = depth_scale(result.length.chi_q);
  result.xi_c = depth_scale(result.correlation.chi_c);
  return result;
}

}  // namespace qmf
