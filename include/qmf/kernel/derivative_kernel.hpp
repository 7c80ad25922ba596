// The derivative kernel the NTK recursion multiplies by, E[g(u1) g(u2)] for
// (u1, u2) the Gaussian pre-activations of two inputs.
//
// "true" uses g = phi': zero almost everywhere for a step activation, so its
// NTK keeps only the last layer's parameters (Activation's phi' moments take
// the jumps' deltas instead, which make chi_1 infinite). "ste" uses the straight-through
// surrogate g(x) = s 1{|x| <= tau} (or 1{lo <= x <= hi}) of qmf simulate (step activations only),
// whose derivative kernel is s^2 times a bivariate normal rectangle
// probability, exact with the orthant engine of qmf/numerics/gaussian.hpp.
#pragma once

#include <optional>
#include <string>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/backward_derivative.hpp"

namespace qmf {

/// P(|z1| <= a, |z2| <= b) for a standard bivariate normal with correlation
/// rho in [-1, 1] and a, b >= 0, by inclusion-exclusion over upper orthants.
double bivariate_normal_rectangle(double a, double b, double rho);

/// P(a1 < z1 <= b1, a2 < z2 <= b2), a1 < b1, a2 < b2, any end possibly
/// infinite: the window of a one-sided or general STE.
double bivariate_normal_box(double a1, double b1, double a2, double b2, double rho);

enum class DerivativeKind { true_derivative, straight_through };

/// "true" or "ste".
std::string to_string(DerivativeKind kind);
/// Parses "true" or "ste"; std::invalid_argument naming the field `derivative` otherwise.
DerivativeKind parse_derivative_kind(const std::string& text);

class DerivativeKernel {
 public:
  /// The true derivative: `surrogate` unused.
  explicit DerivativeKernel(const Activation& phi);
  /// The straight-through surrogate; throws std::invalid_argument unless phi
  /// is a step activation and slope, clip are positive and finite.
  DerivativeKernel(const Activation& phi, StraightThrough surrogate);

  [[nodiscard]] DerivativeKind kind() const { return kind_; }
  [[nodiscard]] const StraightThrough& surrogate() const { return surrogate_; }

  /// E[g(u)^2] for u ~ N(0, q).
  [[nodiscard]] double second_moment(double q) const;
  /// E[g(u1) g(u2)] for variances q1, q2 and correlation c.
  [[nodiscard]] double cross_moment(double q1, double q2, double c) const;
  /// The same at equal variances q and the angle theta = acos(c): the true
  /// derivative's and the symmetric STE's have a cusp at c = 1, where a
  /// cosine rounded to a double loses digits the angle keeps
  /// (Activation::derivative_cross_moment_at_angle).
  [[nodiscard]] double cross_moment_at_angle(double q, double theta) const;

 private:
  const Activation& phi_;
  DerivativeKind kind_;
  StraightThrough surrogate_;
};

/// The derivative kernel of `qmf kernel --derivative` and qmf.kernel(derivative=...):
/// true: phi', with ste_slope and ste_clip left empty; ste (step activations):
/// the box STE of clip ste_clip (default 1) and slope ste_slope, by default the
/// gradient-preserving one, as in qmf simulate, at the fixed point the length
/// map reaches from the first layer's variance sw2 q0 + sb2. Throws
/// std::invalid_argument naming the field.
DerivativeKernel requested_derivative_kernel(const Activation& phi, DerivativeKind kind,
                                             const Initialization& init, double q0,
                                             std::optional<double> ste_slope,
                                             std::optional<double> ste_clip);

}  // namespace qmf
