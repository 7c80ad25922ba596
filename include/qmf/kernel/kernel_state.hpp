// The kernel of a pair of inputs at one layer: what the mean field tracks.
//
// For two inputs x1, x2 and one unit h of a layer, the state holds the
// second moments q1 = E[h(x1)^2], q2 = E[h(x2)^2] and q12 = E[h(x1) h(x2)]
// (the NNGP kernel), the half squared distance E[(h(x1) - h(x2))^2] / 2 kept
// on its own so that 1 - c never has to be computed as a difference of nearby
// numbers, and the neural tangent kernel of the same pair. Layers
// (qmf/kernel/layers.hpp) map one state to the next.
#pragma once

namespace qmf {

struct KernelState {
  double q1 = 1.0;
  double q2 = 1.0;
  double q12 = 0.0;
  /// (q1 + q2) / 2 - q12, computed by the layers without that subtraction.
  double gap = 1.0;
  /// Neural tangent kernel Theta(x1, x1), Theta(x2, x2), Theta(x1, x2); zero
  /// for the inputs themselves (they have no parameters).
  double ntk1 = 0.0;
  double ntk2 = 0.0;
  double ntk12 = 0.0;

  /// Two inputs of equal second moment q and correlation c (gap = q (1 - c)).
  /// Throws std::invalid_argument unless q > 0 is finite and c in [-1, 1].
  static KernelState equal_norms(double q, double c);
  /// Second moments q1, q2 and correlation c, checked as for equal_norms.
  static KernelState with_norms(double q1, double q2, double c);

  /// Throws std::invalid_argument, naming the field and its value, unless
  /// q1, q2 > 0 are finite, the correlation lies in [-1, 1] (to rounding),
  /// the gap is finite and non-negative and the NTK entries are finite.
  void validate() const;

  [[nodiscard]] bool has_equal_norms() const { return q1 == q2; }
  /// q12 / sqrt(q1 q2).
  [[nodiscard]] double correlation() const;
  /// 1 - correlation(), from the gap: accurate as the inputs align.
  [[nodiscard]] double correlation_complement() const;
};

}  // namespace qmf
