#include "qmf/kernel/kernel_state.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "numerics/format_number.hpp"

namespace qmf {

namespace {

void require(bool ok, const std::string& field, double value, const char* rule) {
  if (!ok)
    throw std::invalid_argument(field + " must be " + rule + " (got " +
                                detail::format_number(value) + ")");
}

void require_start(double q1, double q2, double c) {
  require(q1 > 0.0 && std::isfinite(q1), "q1", q1, "a positive finite number");
  require(q2 > 0.0 && std::isfinite(q2), "q2", q2, "a positive finite number");
  require(c >= -1.0 && c <= 1.0, "c", c, "in [-1, 1]");
}

}  // namespace

void KernelState::validate() const {
  require_start(q1, q2, 0.0);
  // A few roundings of slack: layers compute q12 and the gap separately.
  const double bound = std::sqrt(q1 * q2) * (1.0 + 1e-12);
  require(std::fabs(q12) <= bound, "q12", q12, "at most sqrt(q1 q2) in magnitude");
  require(gap >= 0.0 && std::isfinite(gap), "gap", gap, "a non-negative finite number");
  for (const auto& [name, value] : {std::pair{"ntk1", ntk1}, {"ntk2", ntk2}, {"ntk12", ntk12}})
    require(std::isfinite(value), name, value, "finite");
}

KernelState KernelState::equal_norms(double q, double c) {
  require_start(q, q, c);
  KernelState state;
  state.q1 = state.q2 = q;
  state.q12 = q * c;
  state.gap = q * (1.0 - c);
  return state;
}

KernelState KernelState::with_norms(double q1, double q2, double c) {
  require_start(q1, q2, c);
  if (q1 == q2) return equal_norms(q1, c);
  KernelState state;
  state.q1 = q1;
  state.q2 = q2;
  const double root_product = std::sqrt(q1 * q2);
  state.q12 = c * root_product;
  // (q1 + q2)/2 - c sqrt(q1 q2) = (sqrt q1 - sqrt q2)^2 / 2 + (1 - c) sqrt(q1 q2).
  const double root_difference = std::sqrt(q1) - std::sqrt(q2);
  state.gap = 0.5 * root_difference * root_difference + (1.0 - c) * root_product;
  return state;
}

double KernelState::correlation() const {
  if (has_equal_norms()) return 1.0 - correlation_complement();
  return q12 / std::sqrt(q1 * q2);
}

double KernelState::correlation_complement() const {
  if (has_equal_norms()) return gap / q1;
  const double root_difference = std::sqrt(q1) - std::sqrt(q2);
  return (gap - 0.5 * root_difference * root_difference) / std::sqrt(q1 * q2);
}

}  // namespace qmf
