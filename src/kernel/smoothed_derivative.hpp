// psi'(mu; v) = d/dmu E[phi(mu + sqrt(v) z)] = E[phi'(mu + sqrt(v) z)], z ~ N(0, 1):
// the slope of a Gaussian-smoothed activation, which the tangent kernel of a
// stochastically rounded net chains through (docs/kernels.md, "Binary weights
// against the quasi network"). Finite for step activations, whose phi' is
// zero almost everywhere: there it is the sum of the jumps weighted by the
// normal density at the thresholds, exactly. For every other activation it is
// Stein's form E[z phi(mu + sqrt(v) z)] / sqrt(v) by 64-node Gauss-Hermite
// quadrature, which needs phi continuous only: accurate to rounding for
// analytic phi (tanh, erf), to ~1e-3 across a kink (relu, hard-tanh), which is
// far below the n^(-1/2) sampling error of the empirical kernels it serves.
#pragma once

#include <array>
#include <vector>

#include "qmf/activations/activation.hpp"

namespace qmf {

class SmoothedDerivative {
 public:
  explicit SmoothedDerivative(const Activation& phi);
  /// psi'(mu; v) for v > 0.
  [[nodiscard]] double operator()(double mu, double v) const;

  static constexpr int nodes = 64;

 private:
  const Activation& phi_;
  std::vector<double> thresholds_, jumps_;  // step activations only
  bool step_ = false;
  std::array<double, nodes> z_{}, weight_{};  // probabilists' Gauss-Hermite
};

}  // namespace qmf
