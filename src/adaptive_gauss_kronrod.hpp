// Adaptive 31-point Gauss-Kronrod quadrature by bisection (library-internal).
//
// Boost 1.74's own adaptive recursion compares an error estimate that lacks
// the panel's half-width with a scaled tolerance, so on narrow intervals it
// never meets a tight relative tolerance and bisects to its full depth
// (2^18-2^20 panels: minutes for one integral). Here each panel's error is
// scaled correctly and held to its share of tolerance * L1 norm.
#pragma once

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>

namespace qmf::detail {

template <class F>
double gauss_kronrod_panel(const F& f, double lo, double hi, double* error, double* l1) {
  double unscaled_error = 0.0;
  const double estimate = boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
      f, lo, hi, 0, 0.0, &unscaled_error, l1);
  *error = unscaled_error * 0.5 * (hi - lo);
  return estimate;
}

template <class F>
double bisect_gauss_kronrod(const F& f, double lo, double hi, double estimate, double error,
                            double abs_tol, int depth) {
  if (depth == 0 || error <= abs_tol) return estimate;
  const double mid = 0.5 * (lo + hi);
  double left_error = 0.0, right_error = 0.0, l1 = 0.0;
  const double left = gauss_kronrod_panel(f, lo, mid, &left_error, &l1);
  const double right = gauss_kronrod_panel(f, mid, hi, &right_error, &l1);
  return bisect_gauss_kronrod(f, lo, mid, left, left_error, 0.5 * abs_tol, depth - 1) +
         bisect_gauss_kronrod(f, mid, hi, right, right_error, 0.5 * abs_tol, depth - 1);
}

/// Integral of f over [lo, hi] to about relative_tolerance times the L1 norm
/// of f (the Gauss-Kronrod error estimate is pessimistic: the actual error is
/// usually far smaller).
template <class F>
double adaptive_gauss_kronrod(const F& f, double lo, double hi, double relative_tolerance,
                              int max_depth) {
  double error = 0.0, l1 = 0.0;
  const double estimate = gauss_kronrod_panel(f, lo, hi, &error, &l1);
  return bisect_gauss_kronrod(f, lo, hi, estimate, error, relative_tolerance * std::fabs(l1),
                              max_depth);
}

}  // namespace qmf::detail
