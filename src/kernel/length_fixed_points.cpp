// The length map's fixed points: the scan for all of them, the one the
// iteration from q0 reaches, and the assembly of every fixed-point quantity.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "kernel/correlation_descent.hpp"
#include "kernel/describe.hpp"
#include "kernel/length_scan.hpp"
#include "numerics/format_number.hpp"
#include "numerics/root_finding.hpp"
#include "parallel/first_exception.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

namespace {

using detail::describe;

constexpr int scan_points_per_decade = 24;

// |chi_q| this close to 1 is marginal: a depth scale beyond 1e12 layers, and
// the rounding of a slope that is 1 in exact arithmetic (relu at sw2 = 2).
constexpr double marginal_slope_tolerance = 1e-12;

LengthFixedPoint fixed_point_with_slope(double q, double slope) {
  const bool marginal = std::fabs(std::fabs(slope) - 1.0) <= marginal_slope_tolerance;
  return {q, slope, std::fabs(slope) < 1.0 && !marginal, marginal};
}

// At sb2 = 0 an activation with phi(0) = 0 fixes q = 0, with slope
// sw2 phi'(0)^2 there (E[phi(u)^2] = phi'(0)^2 q + O(q^2); the limit taken at
// q = 1e-30, as the order-chaos line's end in critical.cpp). Where that slope
// is 1 a collapse to q = 0 is no failure but the marginal approach of the
// line's end (tanh: q' = q - 2 q^2 + ..., q_l ~ 1 / (2 l)).
std::optional<LengthFixedPoint> marginal_zero(const Activation& phi, const Initialization& init) {
  if (init.sb2 != 0.0 || init.weight_noise != 0.0 || phi.is_step() || phi.value(0.0) != 0.0)
    return std::nullopt;
  const double slope = init.sw2 * phi.derivative_second_moment(1e-30);
  if (!(std::fabs(slope - 1.0) <= marginal_slope_tolerance)) return std::nullopt;
  return LengthFixedPoint{0.0, 1.0, false, true};
}

// The q scanned for fixed points: from sb2 (q' >= sb2; 1e-12 at sb2 = 0) and,
// for bounded phi, up to sw2 sup|phi|^2 + sb2.
std::pair<double, double> length_search_range(const Activation& phi, const Initialization& init) {
  const double bound = phi.bound();
  // For bounded phi the map cannot exceed sw2 sup|phi|^2 + sb2; 1e-12 above
  // it, quadrature rounding of E[phi^2] (a few ulps over sup|phi|^2) cannot
  // turn the last sign of the gap.
  const double hi =
      std::isfinite(bound)
          ? ((init.sw2 + init.weight_noise) * bound * bound + init.sb2) * (1.0 + 1e-12)
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

// A non-decreasing continuous map moves every iterate the same way, towards
// the nearest fixed point in the direction of the gap, without overshooting it.
LengthFixedPoint nearest_in_flow_direction(const Activation& phi, const Initialization& init,
                                           double q0, const std::vector<LengthFixedPoint>& points) {
  const double gap0 = layer_map(phi, init).length(q0) - q0;
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
    if (!target) {
      if (const auto zero = marginal_zero(phi, init)) return *zero;
      throw length_collapse("the length map collapses to q = 0 from q0 = " + describe(q0) +
                            ": no positive fixed point below it");
    }
  } else {
    return fixed_point_with_slope(q0, layer_map(phi, init).length_slope(q0));
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
    q = layer_map(phi, init).length(q);
    if (!(q <= hi))
      throw numerical_error("the length map diverges from q0 = " + describe(q0) + " (q = " +
                            describe(q) + " after " + std::to_string(layer) + " layers)");
    if (!(q >= lo)) {
      if (const auto zero = marginal_zero(phi, init)) return *zero;
      throw length_collapse("the length map collapses to q = 0 from q0 = " + describe(q0));
    }
    for (const auto& p : points)
      if (p.stable && std::fabs(q - p.q) <= settled * p.q) return p;
  }
  throw numerical_error("the length map from q0 = " + describe(q0) +
                        " settles on no fixed point within " + std::to_string(max_followed_layers) +
                        " layers (it cycles or converges too slowly)");
}

// A gap length_map(q) - q at the level of the map's own rounding (a few eps
// q): its sign says nothing. softplus at sw2 = 2 has the gap 1.92 / sqrt(q) >
// 0 at every q, below rounding from q ~ 5e10 on, where the scan found eleven
// "fixed points" (review of 30 Nov).
bool within_rounding(double gap, double q) {
  return std::fabs(gap) <= 16.0 * std::numeric_limits<double>::epsilon() * q;
}

// The fixed points along increasing scan nodes node(0) = lo < ... <
// node(intervals) = hi, where gap_at(i) is the gap length_map - q at node i:
// a root in every interval where the gap changes sign, unless it is rounding
// at both ends.
template <class Node, class GapAt>
std::vector<LengthFixedPoint> scan_fixed_points(const Activation& phi, const Initialization& init,
                                                int intervals, Node node, GapAt gap_at) {
  auto gap = [&](double q) { return layer_map(phi, init).length(q) - q; };
  std::vector<LengthFixedPoint> points;
  auto record = [&](double q) {
    points.push_back(fixed_point_with_slope(q, layer_map(phi, init).length_slope(q)));
  };
  double q_prev = node(0);
  double g_prev = gap_at(0);
  if (g_prev == 0.0) record(q_prev);
  for (int i = 1; i <= intervals; ++i) {
    const double q = node(i);
    const double g = gap_at(i);
    // NaN would pass for a sign change below and send the root search a
    // bracket without one (a Boost error naming toms748_solve).
    if (std::isnan(g))
      throw numerical_error("the length map has no value at q = " + describe(q) + " (sw2 = " +
                            describe(init.sw2) + ", sb2 = " + describe(init.sb2) + ")");
    if (g == 0.0) {
      // A run of exact zeros (relu or linear exactly at sw2 = 2 or 1 with
      // sb2 = 0: every q is fixed) is reported once, at its start; a zero
      // after a gap of rounding size is rounding too.
      if (g_prev != 0.0 && !within_rounding(g_prev, q_prev)) record(q);
    } else if (g_prev != 0.0 && (g_prev < 0.0) != (g < 0.0) &&
               (!within_rounding(g_prev, q_prev) || !within_rounding(g, q))) {
      record(detail::bracketed_root(gap, q_prev, q, g_prev, g, "the length map's fixed point"));
    }
    q_prev = q;
    g_prev = g;
  }
  return points;
}
}  // namespace

std::vector<LengthFixedPoint> length_fixed_points(const Activation& phi,
                                                  const Initialization& init) {
  validate(init);
  const auto [lo, hi] = length_search_range(phi, init);
  // Scan log q (in logs: hi / lo can overflow); at q = hi the gap is <= 0 for
  // bounded phi, so the last interval closes every bracket.
  const int intervals = std::max(
      8, static_cast<int>(std::ceil(scan_points_per_decade * (std::log10(hi) - std::log10(lo)))));
  auto node = [&](int i) {
    return i == 0 ? lo
           : i == intervals
               ? hi
               : std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / intervals);
  };
  return scan_fixed_points(phi, init, intervals, node,
                           [&](int i) { return layer_map(phi, init).length(node(i)) - node(i); });
}

detail::LengthScan::LengthScan(const Activation& phi, const std::vector<Initialization>& inits,
                               int threads, const Interrupt& interrupt)
    : phi_(phi) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = 0.0;
  for (const auto& init : inits) {
    validate(init);
    // A point without a search range fails on its own, in fixed_points().
    try {
      const auto range = length_search_range(phi, init);
      lo = std::min(lo, range.first);
      hi = std::max(hi, range.second);
    } catch (const numerical_error&) {
    }
  }
  if (!(lo <= hi)) return;
  log_lo_ = std::log(lo);
  // A range that leaves the doubles (relu at sb2 = 1e300: hi = inf) has no
  // table (the whole double range is ~30000 nodes); each point then searches
  // on its own and reports its own failure.
  const double span = std::ceil((std::log(hi) - log_lo_) / log_step);
  if (!(span >= 0.0 && span <= 65536.0)) return;
  const int nodes = 1 + static_cast<int>(span);
  second_moments_.resize(static_cast<std::size_t>(nodes));
  // The activation may throw (a user's own): the first exception reaches the
  // caller instead of escaping the parallel region (issue 15).
  detail::FirstException failure;
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads))
  for (int j = 0; j < nodes; ++j)
    failure.capture([&] {
      interrupt.poll();
      second_moments_[j] = phi.second_moment(node(j));
    });
  failure.rethrow();
}

std::vector<LengthFixedPoint> detail::LengthScan::fixed_points(const Initialization& init) const {
  validate(init);
  const auto [lo, hi] = length_search_range(phi_, init);
  // The table's nodes strictly inside (lo, hi), between lo and hi themselves
  // (the loops only correct the rounding of the logarithms).
  int first = 0;
  int last = static_cast<int>(second_moments_.size()) - 1;
  if (last >= 0) {
    first = std::max(first, static_cast<int>(std::floor((std::log(lo) - log_lo_) / log_step)));
    last = std::min(last, static_cast<int>(std::ceil((std::log(hi) - log_lo_) / log_step)));
  }
  while (first <= last && node(first) <= lo) ++first;
  while (last >= first && node(last) >= hi) --last;
  const int inner = last - first + 1;
  const Dense dense({init.sw2, init.weight_noise}, init.sb2);
  auto node_at = [&](int i) { return i == 0 ? lo : i == inner + 1 ? hi : node(first + i - 1); };
  auto gap_at = [&](int i) {
    const double q = node_at(i);
    const bool tabulated = i > 0 && i <= inner;
    return dense.diagonal(tabulated ? second_moments_[first + i - 1] : phi_.second_moment(q)) - q;
  };
  return scan_fixed_points(phi_, init, inner + 1, node_at, gap_at);
}

namespace {

// The library names the field, not a command-line flag.
void require_start_length(double q0) {
  if (!std::isfinite(q0) || !(q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " +
                                detail::format_number(q0) + ")");
}

}  // namespace

LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0) {
  return stable_length_fixed_point(phi, init, q0, length_fixed_points(phi, init));
}

LengthFixedPoint stable_length_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0, const std::vector<LengthFixedPoint>& points) {
  require_start_length(q0);
  if (const auto* p = fixed_point_at(points, q0)) return *p;
  if (phi.second_moment_grows()) return nearest_in_flow_direction(phi, init, q0, points);
  return follow_length_iteration(phi, init, q0, points);
}

double reached_length(const Activation& phi, const Initialization& init, double q0) {
  try {
    return stable_length_fixed_point(phi, init, q0).q;
  } catch (const length_collapse&) {
    return 0.0;
  }
}

// Whether the length map is the identity (linear at sw2 = 1, relu at sw2 = 2,
// sb2 = 0): its gap is exactly 0 at both ends of the search range and at q = 1
// (a map linear in q, the only kind that vanishes on a run of scan nodes).
bool fixes_every_q(const Activation& phi, const Initialization& init) {
  if (init.sb2 != 0.0) return false;
  const auto [lo, hi] = length_search_range(phi, init);
  const double nodes[] = {lo, 1.0, hi};
  return std::all_of(std::begin(nodes), std::end(nodes),
                     [&](double q) { return layer_map(phi, init).length(q) == q; });
}

MeanFieldFixedPoint mean_field_fixed_point(const Activation& phi, const Initialization& init,
                                           double q0) {
  validate(init);
  MeanFieldFixedPoint result;
  auto& all = result.all_length_fixed_points;
  result.every_q_fixed = fixes_every_q(phi, init);
  if (result.every_q_fixed) {
    // Not the scan's run of zero gaps from its floor: the net keeps q0.
    require_start_length(q0);
    result.length = fixed_point_with_slope(q0, layer_map(phi, init).length_slope(q0));
  } else {
    all = length_fixed_points(phi, init);
    result.length = stable_length_fixed_point(phi, init, q0, all);
  }
  if (!fixed_point_at(all, result.length.q))
    all.insert(std::upper_bound(all.begin(), all.end(), result.length.q,
                                [](double q, const LengthFixedPoint& p) { return q < p.q; }),
               result.length);
  if (result.length.q == 0.0) {
    // The marginal collapse: in the limit q -> 0 the net is linear and the
    // correlation map the identity; c = 1 is the fixed point of the
    // order-chaos line (chi_c = chi_1 = 1), as critical reports it.
    result.correlation = {1.0, 1.0, 0.0};
    result.chi_1 = 1.0;
  } else {
    result.correlation = detail::fast_correlation_fixed_point(phi, init, result.length.q);
    result.chi_1 = layer_map(phi, init).chi_1(result.length.q);
  }
  result.xi_q = depth_scale(result.length.chi_q);
  result.xi_c = depth_scale(result.correlation.chi_c);
  const double q = result.length.q;
  if (init.sb2 == 0.0 && init.weight_noise == 0.0 && q > 0.0 && result.correlation.c == 0.0) {
    // chi_c = sw2 s^2 = r (1 - m) with r = sw2 E[phi^2] / q* (1 at the fixed
    // point, to rounding) and m = linear_residual(q*): 1 - chi_c = (1 - r) +
    // r m keeps ~1e-16 absolute where chi_c, a sum over N thresholds near 1,
    // kept ~1e-13 (xi_c 9e-5 off for quant:1e5 at its optimum, review S 2).
    // Only where it is a number: at q* ~ 1e-308 (sw2 at the underflow limit)
    // the thresholds over sqrt(q*) overflow, and chi_c as summed stands.
    const double r_gap = (q - init.sw2 * phi.second_moment(q)) / q;
    const double one_minus_chi = r_gap + (1.0 - r_gap) * phi.linear_residual(q);
    if (one_minus_chi >= 0.0 && one_minus_chi < 1.0) {
      result.correlation.chi_c = 1.0 - one_minus_chi;
      result.xi_c = -1.0 / std::log1p(-one_minus_chi);
    }
  }
  return result;
}

}  // namespace qmf
