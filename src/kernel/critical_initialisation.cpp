#include "qmf/kernel/critical_initialisation.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/errors.hpp"

namespace qmf {

CriticalInitialisation critical_initialisation(const Activation& phi, double sb2,
                                               const WeightPrior& unit_prior, double k) {
  if (!(k > 0.0 && std::isfinite(k)))
    throw std::invalid_argument("k must be positive and finite (got " + detail::format_number(k) +
                                ")");
  CriticalInitialisation out;
  out.step = phi.is_step();
  out.dtilde = std::numeric_limits<double>::quiet_NaN();
  if (out.step) {
    const StepCriticalPoint point = maximise_correlation_depth(phi, sb2, unit_prior);
    out.sw2 = point.sw2;
    out.q_star = point.q_star;
    out.c_star = point.c_star;
    out.chi = point.chi_max;
    out.xi = point.xi_max;
    out.degenerate = point.degenerate;
    const double spacing = phi.central_spacing();
    if (!std::isnan(spacing)) out.dtilde = spacing / std::sqrt(point.q_star);
  } else {
    const SmoothCriticalPoint point = order_chaos_transition(phi, sb2, unit_prior);
    out.sw2 = point.sw2;
    out.q_star = point.q_star;
    out.c_star = point.c_star;
    out.chi = point.chi_c;
    out.xi = point.xi_c;
  }
  out.sw2_effective = out.sw2 * (unit_prior.variance + unit_prior.per_example_noise);
  out.weight_noise = out.sw2 * unit_prior.per_example_noise;
  out.k = k;
  out.l_max = k * out.xi;
  // An infinite L_max is the order-chaos line's (xi = inf); from a finite xi
  // it is an overflow of k xi, not a depth.
  if (std::isfinite(out.xi) && !std::isfinite(out.l_max))
    throw numerical_error(
        "L_max = k xi overflows the range of double precision (k = " + detail::format_number(k) +
        ", xi = " + detail::format_number(out.xi) + ")");
  return out;
}

}  // namespace qmf
