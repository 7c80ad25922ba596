// The derivative back-propagation multiplies by, layer after layer.
//
// Smooth activations use phi' itself. Step activations have phi' = 0 almost
// everywhere, so training uses a straight-through estimator (STE):
// g(x) = s 1{|x| <= tau} (theory.md section 4). The mean squared gradient then
// changes by sigma_w^2 E[g(u)^2] per layer.
#pragma once

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

/// g(x) = slope * 1{|x| <= clip}.
struct StraightThrough {
  double slope = 1.0;
  double clip = 1.0;
};

/// The slope that makes sigma_w^2 E[g(u)^2] = 1 at u ~ N(0, q_star), i.e. that
/// preserves gradient norms: s = 1 / (sigma_w sqrt(erf(tau / sqrt(2 q*)))).
double gradient_preserving_slope(double sw2, double q_star, double clip);

/// The STE with that slope at the stable length fixed point reached from q0
/// (throws numerical_error when there is none).
StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double clip);

class BackwardDerivative {
 public:
  /// phi' for a smooth activation (`surrogate` is ignored), the straight-through
  /// surrogate for a step activation. Keeps a reference to phi.
  BackwardDerivative(const Activation& phi, StraightThrough surrogate);

  [[nodiscard]] double operator()(double x) const {
    if (!straight_through_) return phi_.derivative(x);
    return (x <= surrogate_.clip && x >= -surrogate_.clip) ? surrogate_.slope : 0.0;
  }
  /// E[g(u)^2], u ~ N(0, q).
  [[nodiscard]] double second_moment(double q) const;

 private:
  const Activation& phi_;
  StraightThrough surrogate_;
  bool straight_through_;
};

}  // namespace qmf
