// One bracketed root finder for the whole library: TOMS 748 to full double
// precision, with the failures it can meet reported in qmf's terms (as
// numerical_error naming what was being solved) rather than as Boost's
// exceptions or a silently returned unconverged bracket.
#pragma once

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <string>

#include "qmf/errors.hpp"

namespace qmf::detail {

/// Root of f in [lo, hi], given f(lo) = f_lo and f(hi) = f_hi of opposite
/// signs, to `bits` bits of the bracket (52: full double precision). `what`
/// names the equation for error messages ("the length map's fixed point").
template <class F>
double bracketed_root(F&& f, double lo, double hi, double f_lo, double f_hi,
                      const std::string& what, int bits = 52) {
  if (f_lo == 0.0) return lo;
  if (f_hi == 0.0) return hi;
  if ((f_lo < 0.0) == (f_hi < 0.0) || !(f_lo == f_lo) || !(f_hi == f_hi))
    throw numerical_error(what + ": the interval does not bracket a root");
  // TOMS 748 multiplies values of f (its interpolations), which overflow
  // from |f| ~ 1e154 on: the length map's gap at q ~ 1e159 (quant:16,A=1e80)
  // gave a NaN end of the bracket. Its steps depend on f only through ratios
  // and signs, so f scaled to the order of 1 finds the same root; scaled by a
  // power of two, which rounds nothing, it takes bit for bit the same steps
  // wherever the unscaled f did not overflow.
  // The exponent stops at 2^1000: below 2^-1022 (subnormal f, the gap of
  // quant:16 near q* = 4e-308 at sw2 = 1e-305) 2^-ilogb overflowed to inf and
  // every scaled value was inf or NaN (review K, 7).
  const double unit = std::max(std::fabs(f_lo), std::fabs(f_hi));
  const double scale =
      std::isfinite(unit) ? std::ldexp(1.0, std::min(-std::ilogb(unit), 1000)) : 1.0;
  auto scaled = [&f, scale](double x) { return scale * f(x); };
  constexpr std::uintmax_t max_iterations = 200;
  std::uintmax_t iterations = max_iterations;
  const auto bracket = boost::math::tools::toms748_solve(
      scaled, lo, hi, scale * f_lo, scale * f_hi, boost::math::tools::eps_tolerance<double>(bits),
      iterations);
  // TOMS 748 converges in a few dozen steps on any bracket of doubles; using
  // them all means the function is not continuous there (or is NaN).
  if (iterations >= max_iterations)
    throw numerical_error(what + ": no convergence in " + std::to_string(max_iterations) +
                          " iterations");
  return 0.5 * (bracket.first + bracket.second);
}

}  // namespace qmf::detail
