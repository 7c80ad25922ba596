// Kernel layers: each layer of a network carries the map it induces on the
// kernel of a pair of inputs (qmf/kernel/kernel_state.hpp), and layers compose.
//
//   Elementwise(phi)   h -> phi(h): second moments of the post-activations,
//                      E[phi(u1)^2], E[phi(u2)^2], E[phi(u1) phi(u2)] and the
//                      deficit E[(phi(u1) - phi(u2))^2] / 2, for (u1, u2)
//                      Gaussian with the incoming kernel; the NTK is multiplied
//                      by the derivative kernel E[phi'(u1) phi'(u2)].
//   Dense(w, sb2)      x -> W x / sqrt(n) + b with Var W_ij = w.variance,
//                      Var b_i = sb2: K' = sw2 K + sb2 and
//                      Theta' = K' + sw2 Theta.
//   LayerMap           Elementwise then Dense: one layer of a deep net,
//                      h^l = W^l phi(h^(l-1)) + b^l, whose equal-norm
//                      components are the length and correlation maps.
//
// The weight prior carries, beside the weight variance sw2, a per-example
// noise variance nu: rounding noise drawn independently for each input adds
// nu E[phi(u_i)^2] to each input's own second moment but nothing to the
// cross moment, so c = 1 stops being a fixed point.
#pragma once

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/kernel_state.hpp"

namespace qmf {

struct WeightPrior {
  /// sigma_w^2: Var W_ij = variance / fan_in.
  double variance = 1.0;
  /// nu: variance (per unit of 1 / fan_in) of noise drawn independently for
  /// every input; 0 when both inputs see the same weights.
  double per_example_noise = 0.0;
};

class Dense {
 public:
  /// Not validated here: searches over sigma_w evaluate the maps at extreme
  /// values on purpose. Public entry points call validate().
  Dense(WeightPrior weights, double bias_variance)
      : weights_(weights), bias_variance_(bias_variance) {}

  /// Throws std::invalid_argument naming the field (sw2, weight noise, sb2)
  /// and its value unless sw2 > 0, nu >= 0 and sb2 >= 0 are finite.
  void validate() const;

  [[nodiscard]] const WeightPrior& weights() const { return weights_; }
  [[nodiscard]] double bias_variance() const { return bias_variance_; }

  /// q' of one input from the post-activation second moment m.
  [[nodiscard]] double diagonal(double m) const {
    return (weights_.variance + weights_.per_example_noise) * m + bias_variance_;
  }
  /// q12' from the post-activation cross moment m12.
  [[nodiscard]] double off_diagonal(double m12) const {
    return weights_.variance * m12 + bias_variance_;
  }
  /// (q1' + q2')/2 - q12' from the post-activation gap and second moments.
  [[nodiscard]] double gap(double post_gap, double m1, double m2) const;

  [[nodiscard]] KernelState operator()(const KernelState& post) const;

 private:
  WeightPrior weights_;
  double bias_variance_;
};

class Elementwise {
 public:
  /// Keeps a reference to phi.
  explicit Elementwise(const Activation& phi) : phi_(phi) {}

  [[nodiscard]] const Activation& activation() const { return phi_; }
  /// Inputs of unequal norm need an activation that supports them
  /// (Activation::cross_moment_unequal); every built-in one does.
  [[nodiscard]] KernelState operator()(const KernelState& pre) const;

 private:
  const Activation& phi_;
};

class LayerMap {
 public:
  LayerMap(const Activation& phi, Dense dense) : elementwise_(phi), dense_(dense) {}

  [[nodiscard]] const Activation& activation() const { return elementwise_.activation(); }
  [[nodiscard]] const Dense& dense() const { return dense_; }

  [[nodiscard]] KernelState operator()(const KernelState& state) const {
    return dense_(elementwise_(state));
  }

  // The components for two inputs of equal second moment q and correlation c,
  // each computed without the rest of the state.
  /// q' (the length map).
  [[nodiscard]] double length(double q) const;
  /// dq'/dq.
  [[nodiscard]] double length_slope(double q) const;
  /// q12', with relative accuracy as c -> 0 (q12' / q' then decays like
  /// chi_c^l in the chaotic phase without a floor at ~1e-13).
  [[nodiscard]] double covariance(double q, double c) const;
  /// 1 - c' = gap' / q', without cancellation as c -> 1.
  [[nodiscard]] double correlation_complement(double q, double c) const;
  /// dc'/dc at fixed q.
  [[nodiscard]] double correlation_slope(double q, double c) const;
  /// chi_1 = sw2 E[phi'(u)^2]: +inf for step activations.
  [[nodiscard]] double chi_1(double q) const;

 private:
  Elementwise elementwise_;
  Dense dense_;
};

}  // namespace qmf
