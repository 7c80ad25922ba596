#include "qmf/kernel/critical_line.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "kernel/fast_phase_point.hpp"
#include "parallel/first_exception.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/critical.hpp"

namespace qmf {

namespace {

// `interrupt` stops a step activation's search too (an interrupted is no
// numerical_error: it reaches the caller).
std::optional<CriticalLinePoint> line_point(const Activation& phi, double sb2,
                                            const WeightPrior& unit_prior,
                                            const Interrupt& interrupt) {
  try {
    if (phi.is_step()) {
      const auto best = maximise_correlation_depth(phi, sb2, unit_prior, interrupt);
      return CriticalLinePoint{sb2, best.sw2, best.xi_max, best.q_star};
    }
    const auto transition = order_chaos_transition(phi, sb2, unit_prior);
    return CriticalLinePoint{sb2, transition.sw2, transition.xi_c, transition.q_star};
  } catch (const numerical_error&) {
    return std::nullopt;
  } catch (const std::domain_error&) {
    // Boost's root search handed a bracket without a sign change: at extreme
    // sb2 (1e300) chi_1 overflows to NaN along the scan. No point either.
    return std::nullopt;
  }
}

}  // namespace

std::vector<CriticalLinePoint> critical_line(const Activation& phi, const std::vector<double>& sb2,
                                             int threads, const WeightPrior& unit_prior,
                                             const Interrupt& interrupt) {
  const int n = static_cast<int>(sb2.size());
  std::vector<std::optional<CriticalLinePoint>> found(sb2.size());
  detail::FirstException failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
  for (int j = 0; j < n; ++j)
    failure.capture([&] {
      interrupt.poll();
      found[j] = line_point(phi, sb2[j], unit_prior, interrupt);
    });
  failure.rethrow();
  std::vector<CriticalLinePoint> line;
  for (const auto& p : found)
    if (p) line.push_back(*p);
  return line;
}

PhasePoint phase_point_on_line(const Activation& phi, const CriticalLinePoint& point,
                               const WeightPrior& unit_prior, double q0) {
  // The fast route: with per-example noise c* < 1 on the line, and fresh
  // quadrature at every Newton step cost 85 ms a point for tanh (review N 4).
  return detail::fast_phase_point(
      phi, {point.sw2 * unit_prior.variance, point.sb2, point.sw2 * unit_prior.per_example_noise},
      q0);
}

bool reaches_line_branch(const CriticalLinePoint& point, const PhasePoint& from_q0) {
  return from_q0.has_values() &&
         std::fabs(from_q0.q_star - point.q_star) <=
             1e-6 * std::max(std::fabs(point.q_star), std::fabs(from_q0.q_star));
}

}  // namespace qmf
