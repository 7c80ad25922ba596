// The derivative back-propagation multiplies by, layer after layer.
//
// Smooth activations use phi' itself. Step activations have phi' = 0 almost
// everywhere, so training uses a straight-through estimator (STE):
// g(x) = s 1{|x| <= tau}, or over a general window s 1{lo <= x <= hi}
// (theory.md section 4.3). The mean squared gradient then changes by
// sigma_w^2 E[g(u)^2] per layer.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

/// g(x) = slope * 1{lower() <= x <= upper()}: the symmetric box [-clip, clip]
/// unless `window` is set.
struct StraightThrough {
  double slope = 1.0;
  double clip = 1.0;
  /// A general window [lo, hi], lo < hi, either end possibly infinite: a
  /// one-sided [0, hi] for a quantized relu, say. Empty: [-clip, clip].
  std::optional<std::pair<double, double>> window = std::nullopt;
  [[nodiscard]] double lower() const { return window ? window->first : -clip; }
  [[nodiscard]] double upper() const { return window ? window->second : clip; }
};

/// P(lower <= u <= upper) for u ~ N(0, q): E[g(u)^2] / slope^2.
double window_probability(const StraightThrough& surrogate, double q);

/// Throws std::invalid_argument naming ste_window unless lo < hi and neither is NaN.
void validate_window(double lower, double upper);

/// The slope that makes sigma_w^2 E[g(u)^2] = 1 at u ~ N(0, q_star), i.e. that
/// preserves gradient norms: s = 1 / (sigma_w sqrt(erf(tau / sqrt(2 q*)))).
double gradient_preserving_slope(double sw2, double q_star, double clip);

/// The STE with that slope at reached_length(phi, init, q0) (fixed_points.hpp). Where the map
/// collapses (q* = 0) every pre-activation lies in the box: s = 1 / sigma_w.
StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double clip);

/// The same for the window [lower, upper]: s = 1 / sqrt(sw2 P(lower <= u <= upper))
/// (at q* = 0, P is 1 for a window around 0, 1/2 for one that ends at 0).
StraightThrough gradient_preserving_surrogate(const Activation& phi, const Initialization& init,
                                              double q0, double lower, double upper);

class BackwardDerivative {
 public:
  /// phi' for a smooth activation (`surrogate` is ignored), the straight-through
  /// surrogate for a step activation. Keeps a reference to phi.
  BackwardDerivative(const Activation& phi, StraightThrough surrogate);

  [[nodiscard]] double operator()(double x) const {
    if (!straight_through_) return phi_.derivative(x);
    return (x <= upper_ && x >= lower_) ? surrogate_.slope : 0.0;
  }
  /// g of n values at once (out may alias in): phi.derivatives() for a smooth
  /// phi, a branch-free window test (vectorised) for the straight-through one.
  void values(const double* in, double* out, std::size_t n) const;
  /// E[g(u)^2], u ~ N(0, q).
  [[nodiscard]] double second_moment(double q) const;

 private:
  const Activation& phi_;
  StraightThrough surrogate_;
  double lower_;
  double upper_;
  bool straight_through_;
};

}  // namespace qmf
