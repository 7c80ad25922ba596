// One bracketed root finder for the whole library: TOMS 748 to full double
// precision, with the failures it can meet reported in qmf's terms (as
// numerical_error naming what was being solved) rather than as Boost's
// exceptions or a silently returned unconverged bracket.
#pragma once

#include <boost/math/tools/roots.hpp>
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
  constexpr std::uintmax_t max_iterations = 200;
  std::uintmax_t iterations = max_iterations;
  const auto bracket = boost::math::tools::toms748_solve(
      f, lo, hi, f_lo, f_hi, boost::math::tools::eps_tolerance<double>(bits), iterations);
  // TOMS 748 converges in a few dozen steps on any bracket of doubles; using
  // them all means the function is not continuous there (or is NaN).
  if (iterations >= max_iterations)
    throw numerical_error(what + ": no convergence in " + std::to_string(max_iterations) +
                          " iterations");
  return 0.5 * (bracket.first + bracket.second);
}

}  // namespace qmf::detail
