// Globally adaptive 31-point Gauss-Kronrod quadrature (library-internal).
//
// The panel with the largest error estimate is bisected until the summed
// estimate meets the tolerance, as in QUADPACK's QAG. Refining by global error
// rather than per-panel recursion matters here: a Gaussian expectation splits
// into panels whose integrals differ by many orders of magnitude (centre and
// tails), and holding each to a share of a *relative* tolerance would refine
// the negligible tails to exhaustion. Boost 1.74's own adaptive recursion has
// that flaw and, besides, compares an error estimate that lacks the panel's
// half-width with a scaled tolerance, so it can bisect to full depth (minutes
// for one integral). GSL's QAGI (the same QUADPACK strategy) is as accurate
// on our integrands but 1.0-2.2x slower through its function-pointer interface
// and takes no break points on the infinite line (tests/bench/bench_libraries,
// E[erf(sqrt(q) z)^2] for q = 0.5, 20, 400; docs/benchmarks.md), so this one
// stays.
#pragma once

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <span>
#include <sstream>
#include <vector>

#include "qmf/errors.hpp"

namespace qmf::detail {

/// The integral is accepted once its error estimate is at most
/// max(relative * integral of |f|, absolute).
struct QuadratureTolerance {
  double relative = 1e-14;
  double absolute = 0.0;
};

struct QuadratureResult {
  double integral = 0.0;
  double l1_norm = 0.0;  // integral of |f|: the scale of the relative tolerance
  double error = 0.0;    // |Kronrod - Gauss|, summed over panels: pessimistic
};

struct GaussKronrodPanel {
  double lo = 0.0;
  double hi = 0.0;
  double integral = 0.0;
  double l1_norm = 0.0;
  double error = 0.0;
};

template <class F>
GaussKronrodPanel gauss_kronrod_panel(const F& f, double lo, double hi) {
  using kronrod = boost::math::quadrature::gauss_kronrod<double, 31>;
  using gauss = boost::math::quadrature::gauss<double, 15>;
  const auto& x = kronrod::abscissa();
  const auto& w_kronrod = kronrod::weights();
  const auto& w_gauss = gauss::weights();
  const double mid = 0.5 * (lo + hi);
  const double half = 0.5 * (hi - lo);
  // Boost stores the non-negative nodes; the 15-point Gauss rule uses the
  // even-indexed ones (x[0] = 0 among them), with weights w_gauss[i / 2].
  const double f0 = f(mid);
  double kronrod_sum = f0 * w_kronrod[0];
  double gauss_sum = f0 * w_gauss[0];
  double l1 = std::fabs(f0) * w_kronrod[0];
  for (std::size_t i = 1; i < x.size(); ++i) {
    const double fp = f(mid + half * x[i]);
    const double fm = f(mid - half * x[i]);
    kronrod_sum += (fp + fm) * w_kronrod[i];
    l1 += (std::fabs(fp) + std::fabs(fm)) * w_kronrod[i];
    if (i % 2 == 0) gauss_sum += (fp + fm) * w_gauss[i / 2];
  }
  return {lo, hi, half * kronrod_sum, half * l1, half * std::fabs(kronrod_sum - gauss_sum)};
}

/// Integral of f over [points.front(), points.back()], with panels starting at
/// the given sorted break points, refined until the error estimate meets the
/// tolerance or max_panels is reached (then `error` says how far it got).
template <class F>
QuadratureResult integrate_adaptive(const F& f, std::span<const double> points,
                                    QuadratureTolerance tolerance, std::size_t max_panels) {
  std::vector<GaussKronrodPanel> heap;
  auto by_error = [](const GaussKronrodPanel& a, const GaussKronrodPanel& b) {
    return a.error < b.error;
  };
  QuadratureResult total;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    if (!(points[i + 1] > points[i])) continue;
    heap.push_back(gauss_kronrod_panel(f, points[i], points[i + 1]));
    total.integral += heap.back().integral;
    total.l1_norm += heap.back().l1_norm;
    total.error += heap.back().error;
  }
  std::make_heap(heap.begin(), heap.end(), by_error);
  auto target = [&] { return std::max(tolerance.relative * total.l1_norm, tolerance.absolute); };
  while (total.error > target() && heap.size() < max_panels) {
    std::pop_heap(heap.begin(), heap.end(), by_error);
    const GaussKronrodPanel worst = heap.back();
    heap.pop_back();
    const double mid = 0.5 * (worst.lo + worst.hi);
    if (!(mid > worst.lo && mid < worst.hi)) break;  // panel at the resolution of double
    const auto left = gauss_kronrod_panel(f, worst.lo, mid);
    const auto right = gauss_kronrod_panel(f, mid, worst.hi);
    total.integral += left.integral + right.integral - worst.integral;
    total.l1_norm += left.l1_norm + right.l1_norm - worst.l1_norm;
    total.error += left.error + right.error - worst.error;
    for (const auto& panel : {left, right}) {
      heap.push_back(panel);
      std::push_heap(heap.begin(), heap.end(), by_error);
    }
  }
  // Re-sum: the running totals carry the rounding of every update.
  total = {};
  for (const auto& panel : heap) {
    total.integral += panel.integral;
    total.l1_norm += panel.l1_norm;
    total.error += panel.error;
  }
  return total;
}

/// integrate_adaptive on a panel budget (ample for smooth integrands); throws
/// numerical_error when it cannot bring the error estimate within a
/// looser fallback of 1e-8 relative (or the requested tolerance, if looser).
/// Between that and the requested tolerance the result is returned: |K - G|
/// bounds the error of the Gauss rule, and the Kronrod result is typically far
/// more accurate.
template <class F>
QuadratureResult integrate_converged(const F& f, std::span<const double> points,
                                     QuadratureTolerance tolerance, std::size_t max_panels = 4000) {
  const auto result = integrate_adaptive(f, points, tolerance, max_panels);
  const double fallback = std::max(tolerance.relative, 1e-8);
  if (result.error > std::max(fallback * result.l1_norm, tolerance.absolute)) {
    std::ostringstream message;
    message << "adaptive quadrature did not converge: error estimate " << result.error
            << " for an integral of magnitude " << result.l1_norm;
    throw numerical_error(message.str());
  }
  return result;
}

/// Integral of f over [lo, hi] to about relative_tolerance times the
/// integral of |f|.
template <class F>
double adaptive_gauss_kronrod(const F& f, double lo, double hi, double relative_tolerance) {
  const double points[] = {lo, hi};
  return integrate_converged(f, points, {relative_tolerance, 0.0}).integral;
}

}  // namespace qmf::detail
