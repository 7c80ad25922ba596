#include "qmf/kernel/critical.hpp"

#include <algorithm>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernel/correlation_descent.hpp"
#include "kernel/describe.hpp"
#include "numerics/root_finding.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

namespace {

// The variance each input's weights have, per unit of latent sw2.
double unit_total(const WeightPrior& unit_prior) {
  return unit_prior.variance + unit_prior.per_example_noise;
}

// Latent sigma_w^2 that makes q a fixed point of the length map, whose weight
// variance is the shared part plus the per-example noise.
double weight_variance_for_fixed_point(const Activation& phi, double sb2, double q,
                                       const WeightPrior& unit_prior) {
  return (q - sb2) / (unit_total(unit_prior) * phi.second_moment(q));
}

// The maps' initialisation for latent sw2.
Initialization scaled(const WeightPrior& unit_prior, double sw2, double sb2) {
  return {sw2 * unit_prior.variance, sb2, sw2 * unit_prior.per_example_noise};
}

void validate_prior(const WeightPrior& unit_prior, double sb2) {
  validate({unit_prior.variance, sb2, unit_prior.per_example_noise});
}

void require_activation_kind(const Activation& phi, bool step, const char* what) {
  if (phi.is_step() != step)
    throw std::invalid_argument("activation '" + phi.spec() + "': " + what);
}

// d ln chi_c / d ln q* at sb2 = 0 where c* = 0 (zero mean): there chi_c =
// s^2 / E[phi^2] with s = E[z phi(sqrt(q) z)] (the slope of the correlation
// map at c = 0 by Stein's lemma, with sw2 = q / E[phi^2]), so the derivative
// is 2 d ln s / d ln q - d ln E[phi^2] / d ln q. Analytic, so its root pins
// the maximiser to rounding, where maximising chi_c itself (flat at the top)
// only reaches sqrt(machine epsilon).
double log_chi_slope(const Activation& phi, double log_q) {
  const double q = std::exp(log_q);
  return 2.0 * phi.stein_log_slope(q) - q * phi.second_moment_slope(q) / phi.second_moment(q);
}

// Refines a maximiser of chi_c found to ~1e-8 by the root of log_chi_slope,
// bracketed by widening steps from it.
double refine_zero_mean_maximiser(const Activation& phi, double log_q) {
  auto slope = [&](double x) { return log_chi_slope(phi, x); };
  for (int widening = 0; widening < 10; ++widening) {
    const double step = 1e-6 * std::pow(4.0, widening);
    const double a = log_q - step;
    const double b = log_q + step;
    const double f_a = slope(a);
    const double f_b = slope(b);
    if (f_a > 0.0 && f_b < 0.0)
      return detail::bracketed_root(slope, a, b, f_a, f_b, "the maximiser of chi_c");
  }
  return log_q;  // no sign change nearby: keep the maximiser found
}

// The scan of maximise_correlation_depth runs over x = ln(q* - sb2), the
// weights' part of the fixed point, on a window set by the activation's own
// scale and by sb2: scaling thresholds, levels and sigma_b together leaves
// sigma_w^2 and chi_c unchanged and scales q*, so a window fixed in q misses
// small or large quantizers (review 30 Nov b, C), and at large sb2 / t^2 the
// good maximum sits at q* - sb2 ~ t sqrt(sb2), a sliver of ln q* above ln sb2
// but decades wide in ln(q* - sb2). The levels need no scale of their own:
// they enter only through sw2 = (q* - sb2) / E[phi^2], which the scan does not
// fix. Below 1e-10 t_min^2 the pre-activations cross no nonzero threshold
// (phi looks like a constant or like sign), above 1e10 (t_max^2 + sb2) they
// cross them all as sign does: chi_c is flat outside.
struct ScanWindow {
  double lo = 0.0;
  double hi = 0.0;
  int intervals = 0;
};

ScanWindow weight_part_window(const Activation& phi, double sb2) {
  double smallest = std::numeric_limits<double>::infinity();
  double largest = 0.0;
  if (const auto* step = dynamic_cast<const StepActivation*>(&phi))
    for (const double t : step->thresholds())
      if (t != 0.0) {
        smallest = std::min(smallest, std::fabs(t));
        largest = std::max(largest, std::fabs(t));
      }
  if (largest == 0.0) smallest = largest = 1.0;  // sign: no threshold scale
  const double log_largest2 = 2.0 * std::log(largest);
  // ln(t_max^2 + sb2) without overflowing either term.
  double log_top = log_largest2;
  if (sb2 > 0.0) {
    const double log_sb2 = std::log(sb2);
    log_top =
        std::max(log_largest2, log_sb2) + std::log1p(std::exp(-std::fabs(log_largest2 - log_sb2)));
  }
  const double decades10 = 10.0 * std::log(10.0);
  ScanWindow window{2.0 * std::log(smallest) - decades10, log_top + decades10, 0};
  // Steps of at most 0.144 in ln(q* - sb2), several per hill of chi_c
  // (quant:16 at sb2 = 1e4..1e8: 0.923 at the top, 0.89 at sw2 x 0.9 and
  // x 1.1, below the far hill's 0.64 only beyond x 0.5 and x 2), 160
  // intervals at least; at most 2000, which a 0.144 step reaches only for
  // thresholds spread over ~100 decades.
  window.intervals =
      std::clamp(static_cast<int>(std::ceil((window.hi - window.lo) / 0.144)), 160, 2000);
  return window;
}

}  // namespace

StepCriticalPoint maximise_correlation_depth(const Activation& phi, double sb2,
                                             const WeightPrior& unit_prior,
                                             const Interrupt& interrupt) {
  require_activation_kind(phi, true, "chi_c maximisation needs a step activation");
  validate_prior(unit_prior, sb2);
  if (sb2 > max_search_sb2) {
    std::ostringstream message;
    message << "sb2 must be at most " << max_search_sb2 << " to maximise chi_c over sigma_w (got "
            << sb2 << "): beyond, q* = sb2 + its weight part loses the weight part to rounding";
    throw std::invalid_argument(message.str());
  }
  auto init_at = [&](double q) {
    return scaled(unit_prior, weight_variance_for_fixed_point(phi, sb2, q, unit_prior), sb2);
  };
  const ScanWindow window = weight_part_window(phi, sb2);
  auto chi_at = [&](double log_weight_part) {
    interrupt.poll();
    const double q = sb2 + std::exp(log_weight_part);
    // Near q = sb2 the weights vanish and c* rounds to 1, where a step
    // activation's slope is infinite: no depth scale there, not a maximum.
    // The same holds where c* is too close to 1 for Newton's method to settle
    // (quant:4 at sb2 = 0.1 meets it at the low end of the scan): the point
    // cannot be the maximiser, which is solved again below, without this guard.
    if (!(q > sb2 && std::isfinite(q))) return 0.0;
    try {
      const double chi = stable_correlation_fixed_point(phi, init_at(q), q).chi_c;
      return std::isfinite(chi) ? chi : 0.0;
    } catch (const numerical_error&) {
      return 0.0;
    }
  };
  const double lo = window.lo;
  const double hi = window.hi;
  const int grid = window.intervals;
  std::vector<double> values(grid + 1);
  int best = 0;
  for (int i = 0; i <= grid; ++i) {
    values[i] = chi_at(lo + (hi - lo) * i / grid);
    if (values[i] > values[best]) best = i;
  }
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  StepCriticalPoint result;
  double log_weight_part = 0.0;
  if (*max_it - *min_it <= 1e-13 * *max_it) {
    result.degenerate = true;
    log_weight_part = 0.0;  // q* = 1 + sb2
  } else if (best == 0 || best == grid) {
    // E.g. sign with sb2 > 0: the bias matters less as sigma_w grows, and
    // chi_c rises towards its sb2 = 0 value without reaching it.
    std::ostringstream message;
    message << "chi_c has no maximum at finite sigma_w for activation " << phi.spec()
            << " at sb2 = " << sb2 << ": it keeps rising (to " << values[best] << ") as sigma_w"
            << (best == grid ? " grows" : " shrinks");
    throw numerical_error(message.str());
  } else {
    const double a = lo + (hi - lo) * std::max(best - 1, 0) / grid;
    const double b = lo + (hi - lo) * std::min(best + 1, grid) / grid;
    boost::uintmax_t iterations = 200;
    log_weight_part =
        boost::math::tools::brent_find_minima([&](double x) { return -chi_at(x); }, a, b,
                                              std::numeric_limits<double>::digits, iterations)
            .first;
  }
  auto correlation_at = [&](double q) {
    return stable_correlation_fixed_point(phi, init_at(q), q);
  };
  // At sb2 = 0 the weight part is q* itself.
  result.q_star = sb2 + std::exp(log_weight_part);
  if (!result.degenerate && sb2 == 0.0 && correlation_at(result.q_star).c == 0.0)
    result.q_star = std::exp(refine_zero_mean_maximiser(phi, log_weight_part));
  result.sw2 = weight_variance_for_fixed_point(phi, sb2, result.q_star, unit_prior);
  const Initialization init = init_at(result.q_star);
  const auto correlation = correlation_at(result.q_star);
  result.c_star = correlation.c;
  result.chi_max = correlation.chi_c;
  result.xi_max = depth_scale(result.chi_max);
  if (sb2 == 0.0 && result.c_star == 0.0 && unit_prior.per_example_noise == 0.0) {
    // chi_c = s^2 / E[phi^2] here, and 1 - chi_c from the cells keeps the
    // digits that chi_c itself, a sum over N thresholds near 1, loses: at
    // N = 1e5 xi was 9e-5 off.
    const double one_minus_chi = phi.linear_residual(result.q_star);
    result.chi_max = 1.0 - one_minus_chi;
    result.xi_max = -1.0 / std::log1p(-one_minus_chi);
  }
  if (!(std::fabs(layer_map(phi, init).length_slope(result.q_star)) < 1.0))
    throw numerical_error("the chi_c-maximising q* is not a stable fixed point of the length map");
  return result;
}

namespace {

// At sb2 = 0 an activation with phi(0) = 0 has the fixed point q = 0 for
// every sw2, with chi_q = chi_1 = sw2 E[phi'(u)^2] there: the line ends at
// q* = 0 and sw2 = 1 / E[phi'^2](q -> 0) (at q = 1e-30 the expectation equals
// its limit phi'(0)^2, or relu's constant 1/2, to rounding). That point is a
// critical initialisation only if the length map's next order pulls q back to
// 0: tanh (q' = q - 2q^2 + ...) and elu do, gelu (q' = q + 6q^2/pi) and silu
// push it away, and relu and linear keep every q. At q = 1e-4 the next order
// is ~1e-4 relative, far above rounding.
SmoothCriticalPoint line_end_at_zero_length(const Activation& phi) {
  const double sw2 = 1.0 / phi.derivative_second_moment(1e-30);
  constexpr double probe = 1e-4;
  const double growth = sw2 * phi.second_moment(probe) / probe - 1.0;
  if (growth > 1e-12)
    throw numerical_error(
        "no order-chaos transition on a stable length fixed point for activation " + phi.spec() +
        " at sb2 = 0: chi_1 = 1 only at q* = 0 (sw2 = " + detail::describe(sw2) +
        "), which the length map repels (q' > q for small q > 0)");
  return {sw2, 0.0};
}

// As sb2 -> 0 the crossing flattens: tanh's chi_1 - 1 = -sb2/q + O(q^2) changes
// by only 3 sb2 / q* per e-fold of q* (1e-14 at sb2 = 1e-22), and chi_1,
// a ratio of moments good to about an ulp, then fixes q* to a few digits or
// none (3 % at 1e-22); hard-tanh's crossing, set by tails e^(-1/2q), is
// flatter still. Refused when the estimated relative error, eps over that
// slope (within 4x of the error measured against 50-digit references in
// review S: 7.6e-5 for 2.7e-5 at 1e-18, 1.9e-2 for 3.4e-2 at 1e-22), exceeds
// 1e-4. A crossing of rounding noise (hard-tanh's excess at q << 1) is
// refused the same way, not mistaken for one the length map repels.
void require_resolved_crossing(const Activation& phi, double sb2, double q, double slope) {
  const double relative_error = std::numeric_limits<double>::epsilon() / std::fabs(slope);
  if (relative_error <= 1e-4) return;
  throw numerical_error("the order-chaos line of activation " + phi.spec() + " at sb2 = " +
                        detail::describe(sb2) + " is not resolved in double precision: chi_1 - 1 " +
                        "changes by only " + detail::describe(std::fabs(slope)) +
                        " per e-fold of q there, so q* = " + detail::describe(q) +
                        " carries a relative error of about " + detail::describe(relative_error) +
                        " (at sb2 = 0 the line ends at its q* -> 0 limit)");
}

// chi_1 = 1 for the total weight variance (the gradient's slope), in units of it.
SmoothCriticalPoint total_variance_transition(const Activation& phi, double sb2) {
  const WeightPrior gaussian;
  // With phi(0) != 0 (sigmoid, softplus) q = 0 is no fixed point even at
  // sb2 = 0 (q' >= sw2 phi(0)^2): the scan starts where sw2 = q / E[phi^2] is
  // negligible, chi_1 ~ 0, and searches 30 decades instead of 15.
  if (sb2 == 0.0 && phi.value(0.0) == 0.0) return line_end_at_zero_length(phi);
  const double start = sb2 > 0.0 ? sb2 : 1e-12;
  // At least 15 decades, and on to q = 1e3 from a tiny sb2: hard-tanh's
  // crossing stays near q* ~ 0.01 as sb2 -> 0 (1e22 sb2 at sb2 = 1e-24).
  const int half_decades =
      std::max(sb2 > 0.0 ? 30 : 60, static_cast<int>(std::ceil(2.0 * std::log10(1e3 / start))));
  auto excess = [&](double log_q) {
    const double q = std::exp(log_q);
    return weight_variance_for_fixed_point(phi, sb2, q, gaussian) *
               phi.derivative_second_moment(q) -
           1.0;
  };
  // Just above q = sb2 the weights vanish (chi_1 -> 0); scan upwards for the
  // crossing. A crossing where the length map's fixed point is unstable
  // (chi_q > 1: gelu and silu at small sb2) is no initialisation a net
  // reaches: it lies on the branch that repels towards the stable q*, and the
  // scan goes on past it.
  std::optional<std::pair<double, double>> unstable;  // (q*, chi_q) of the first such crossing
  double a = std::log(start * (1.0 + 1e-9));
  double f_a = excess(a);
  for (int step = 0; step < half_decades; ++step) {
    const double b = std::log(start) + std::log(10.0) * (step + 1) * 0.5;
    const double f_b = excess(b);
    // chi_1 overflowing to NaN (sb2 = 1e300) ends the scan: no sign change
    // to hand the root search (it would fail in Boost's words).
    if (std::isnan(f_b)) break;
    if ((f_a < 0.0) != (f_b < 0.0)) {
      const double q =
          std::exp(detail::bracketed_root(excess, a, b, f_a, f_b, "the order-chaos transition"));
      // The local slope per e-fold over +-0.01: excess' rounding (~eps) is
      // 1 % of the slope 2e-12 that decides, and hard-tanh's slope, which
      // changes fast with q, is no longer overstated (2.3-2.9x over +-0.1).
      const double log_q = std::log(q);
      require_resolved_crossing(phi, sb2, q, 50.0 * (excess(log_q + 0.01) - excess(log_q - 0.01)));
      const double sw2 = weight_variance_for_fixed_point(phi, sb2, q, gaussian);
      const double chi_q = layer_map(phi, Initialization{sw2, sb2}).length_slope(q);
      if (chi_q < 1.0) return {sw2, q};
      if (!unstable) unstable = std::pair{q, chi_q};
    }
    a = b;
    f_a = f_b;
  }
  if (unstable)
    throw numerical_error(
        "no order-chaos transition on a stable length fixed point for activation " + phi.spec() +
        " at sb2 = " + detail::describe(sb2) +
        ": chi_1 = 1 only at q* = " + detail::describe(unstable->first) +
        ", which the length map repels (chi_q = " + detail::describe(unstable->second) +
        "); the ordered phase ends where its stable fixed point disappears");
  throw numerical_error("no order-chaos transition (chi_1 = 1) found at finite q* for activation " +
                        phi.spec());
}

}  // namespace

SmoothCriticalPoint order_chaos_transition(const Activation& phi, double sb2,
                                           const WeightPrior& unit_prior) {
  require_activation_kind(phi, false, "the order-chaos line needs a smooth activation");
  validate_prior(unit_prior, sb2);
  SmoothCriticalPoint point = total_variance_transition(phi, sb2);
  point.sw2 /= unit_total(unit_prior);
  if (unit_prior.per_example_noise == 0.0) return point;
  // Noise decorrelates identical inputs: c* < 1 and a finite xi_c even here.
  const double q = std::max(point.q_star, 1e-12);
  const auto correlation =
      detail::fast_correlation_fixed_point(phi, scaled(unit_prior, point.sw2, sb2), q);
  point.c_star = correlation.c;
  point.chi_c = correlation.chi_c;
  point.xi_c = depth_scale(correlation.chi_c);
  return point;
}

}  // namespace qmf
