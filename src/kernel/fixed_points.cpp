#include "qmf/kernel/fixed_points.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <sstream>

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

// Where the positive fixed points can be: above sb2 (the map is at least sb2)
// and, for bounded phi, below sw2 sup|phi|^2 + sb2.
std::pair<double, double> length_search_range(const Activation& phi, const Initialization& init) {
  const double bound = phi.bound();
  // For bounded phi the map cannot exceed sw2 sup|phi|^2 + sb2; 1e-12 above
  // it, quadrature rounding of E[phi^2] (a few ulps over sup|phi|^2) cannot
  // turn the last sign of the gap.
  const double hi = std::isfinite(bound) ? ((init.sw2 + init.weight_noise) * bound * bound + init.sb2) * (1.0 + 1e-12)
                                         : 1e12 * std::max(1.0, init.sb2);
  const double lo = init.sb2 > 0.0 ? init.sb2 : 1e-12 * std::min(hi, 1.0);
  return {lo, hi};
}

std::string describe(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
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
    throw std::invalid_argument("q0 must be a positive finite number");
  // q0 on a fixed point, to the resolution of its root (the gap's rounding,
  // ~eps q, over the gap's slope chi_q - 1, but never wider than 1e-6 q0, where
  // chi_q -> 1 makes the root marginal): the iteration stays there.
  for (const auto& p : points) {
    const double resolution = std::min(
        8.0 * std::numeric_limits<double>::epsilon() * q0 / std::fabs(1.0 - p.chi_q), 1e-6 * q0);
    if (std::fabs(p.q - q0) <= resolution) return p;
  }
  const double gap0 = length_map(phi, init, q0) - q0;
  // A monotone flow between fixed points: from q0 the iteration moves towards
  // the nearest fixed point in the direction of the gap.
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
  if (!(target->chi_q < 1.0 && target->chi_q > -1.0))
    throw numerical_error("the length map from q0 = " + describe(q0) +
                          " approaches q = " + describe(target->q) + " with slope " +
                          describe(target->chi_q) + " and does not converge");
  return *target;
}

CorrelationFixedPoint stable_correlation_fixed_point(const Activation& phi,
                                                     const Initialization& init, double q_star) {
  const double chi1 = chi_1(phi, init, q_star);
  // Per-example weight noise decorrelates identical inputs (1 - C(1) > 0): c = 1
  // is then no fixed point, and c* < 1 is found below whatever chi_1 is.
  if (chi1 <= 1.0 && init.weight_noise == 0.0) return {1.0, chi1};
  // C(0) = (sw2 E[phi]^2 + sb2) / q' exactly (independent inputs). At the
  // level of rounding noise it is zero, and so is c* (convexity, C(1) = 1).
  const double mean = phi.mean(q_star);
  const double at_zero = (init.sw2 * mean * mean + init.sb2) / length_map(phi, init, q_star);
  if (at_zero <= 4.0 * std::numeric_limits<double>::epsilon())
    return {0.0, correlation_map_slope(phi, init, q_star, 0.0)};
  // A degenerate map (e.g. sw2 = inf, which a search over q* meets where
  // E[phi^2] underflows) has no crossing to find: like a map that never
  // crosses, it is reported ordered.
  if (std::isnan(at_zero)) return {1.0, chi1};
  // Newton's method on the gap g(c) = C(c) - c from c = 0. C is convex on
  // [0, 1] (Mehler's expansion has non-negative coefficients), g(0) > 0 and
  // g(c*) = 0 with g' < 0 on [0, c*): every tangent lies below g, so each
  // iterate stays left of c* and the sequence rises monotonically to it, from
  // the first step on, without a bracket. The gap is taken from the complement
  // 1 - C(c), accurate when c* is close to 1.
  double c = 0.0;
  double gap = at_zero;
  for (int iteration = 0; iteration < max_newton_iterations; ++iteration) {
    const double descent = 1.0 - correlation_map_slope(phi, init, q_star, c);
    const double step = gap / descent;
    if (!std::isfinite(gap) || !std::isfinite(descent))
      throw numerical_error("the correlation map has no finite value at c = " + describe(c) +
                            " (q* = " + describe(q_star) + ")");
    if (!(step > 0.0) || !std::isfinite(step))
      throw numerical_error("Newton's method for c* lost monotonicity at c = " + describe(c) +
                            " (gap " + describe(gap) + ", slope " + describe(1.0 - descent) + ")");
    const double next = c + step;
    // chi_1 exceeds 1 by less than the resolution of c: numerically ordered.
    if (next >= 1.0) return {1.0, chi1};
    // Quadratic convergence: once a step is at the rounding level of c, the
    // next one would be far below it.
    if (step <= newton_tolerance * next)
      return {next, correlation_map_slope(phi, init, q_star, next)};
    c = next;
    gap = (1.0 - c) - correlation_map_complement(phi, init, q_star, c);
    if (gap <= 0.0) return {c, correlation_map_slope(phi, init, q_star, c)};
  }
  throw numerical_error("Newton's method for c* did not converge in " +
                        std::to_string(max_newton_iterations) + " steps");
}

MeanFieldFixedPoint mean_field_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0) {
  MeanFieldFixedPoint result;
  result.all_length_fixed_points = length_fixed_points(phi, init);
  result.length = stable_length_fixed_point(phi, init, q0, result.all_length_fixed_points);
  result.correlation = stable_correlation_fixed_point(phi, init, result.length.q);
  result.chi_1 = chi_1(phi, init, result.length.q);
  result.xi_q = depth_scale(result.length.chi_q);
  result.xi_c = depth_scale(result.correlation.chi_c);
  return result;
}

}  // namespace qmf
