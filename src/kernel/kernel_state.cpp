#include "qmf/kernel/kernel_state.hpp"

#include <cmath>

namespace qmf {

KernelState KernelState::equal_norms(double q, double c) {
  KernelState state;
  state.q1 = state.q2 = q;
  state.q12 = q * c;
  state.gap = q * (1.0 - c);
  return state;
}

KernelState KernelState::with_norms(double q1, double q2, double c) {
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
