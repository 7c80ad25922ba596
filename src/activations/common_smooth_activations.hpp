// Common smooth activations of deep-learning practice (issue 13): silu,
// sigmoid and softplus through the generic quadrature of SmoothActivation;
// gelu and leaky relu in closed form (leaky relu: the arc-cosine kernel of
// relu plus a linear part); elu and selu in closed form where it keeps its
// digits. Private to the library: users obtain them through
// make_activation().
#pragma once

#include <string>
#include <vector>

#include "activations/smooth_activations.hpp"

namespace qmf::detail {

/// x Phi(x), Phi the standard normal CDF (the exact GELU, not its tanh
/// approximation). Its kernels are in closed form (gelu_kernel.cpp).
class Gelu final : public SmoothActivation {
 public:
  [[nodiscard]] double cross_moment_cost() const override { return closed_form_cross_moment_cost; }
  [[nodiscard]] bool has_fast_hermite_series() const override { return false; }
  /// (phi(x)^2 + phi(-x)^2)' = 2 x (Phi(x)^2 + Phi(-x)^2) + 2 x^2 pdf(x) (Phi(x) - Phi(-x)),
  /// positive for x > 0.
  [[nodiscard]] bool second_moment_grows() const override { return true; }
  [[nodiscard]] std::string spec() const override { return "gelu"; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  [[nodiscard]] double mean(double q) const override;
  [[nodiscard]] double second_moment(double q) const override;
  [[nodiscard]] double second_moment_slope(double q) const override;
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment_at_angle(double q, double theta) const override;
  [[nodiscard]] double input_moment(double q) const override;
  /// s(q) = E[z phi(sqrt(q) z)] = sqrt(q) / 2.
  [[nodiscard]] double stein_log_slope(double /*q*/) const override { return 0.5; }
};

/// x sigmoid(x) (also called swish).
class Silu final : public SmoothActivation {
 public:
  /// With s = sigmoid(x), s' = s (1 - s) and 1 - s = sigmoid(-x):
  /// (phi(x)^2 + phi(-x)^2)' = 2 x (s^2 + (1 - s)^2) + 2 x^2 s' (2 s - 1), positive for x > 0.
  [[nodiscard]] bool second_moment_grows() const override { return true; }
  /// x / (1 + e^-x): poles at x = +-i pi.
  [[nodiscard]] double analytic_strip() const override { return 3.141592653589793; }
  [[nodiscard]] std::string spec() const override { return "silu"; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
};

/// 1 / (1 + e^-x). E[phi(u)] = 1/2 exactly, since phi(x) + phi(-x) = 1.
class Sigmoid final : public SmoothActivation {
 public:
  /// (phi(x)^2 + phi(-x)^2)' = 2 phi'(x) (2 phi(x) - 1) >= 0 for x >= 0.
  [[nodiscard]] bool second_moment_grows() const override { return true; }
  /// 1 / (1 + e^-x): poles at x = +-i pi.
  [[nodiscard]] double analytic_strip() const override { return 3.141592653589793; }
  [[nodiscard]] std::string spec() const override { return "sigmoid"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  [[nodiscard]] double mean(double /*q*/) const override { return 0.5; }
};

/// ln(1 + e^x).
class Softplus final : public SmoothActivation {
 public:
  /// phi^2 is convex: (phi^2)'' = 2 (phi'^2 + phi phi'') with phi > 0 and
  /// phi'' = sigma (1 - sigma) > 0 (phi^2 itself falls towards x = -inf).
  [[nodiscard]] bool second_moment_grows() const override { return true; }
  /// ln(1 + e^x): branch points at x = +-i pi.
  [[nodiscard]] double analytic_strip() const override { return 3.141592653589793; }
  [[nodiscard]] std::string spec() const override { return "softplus"; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
};

/// x for x > 0, a x otherwise: a x + (1 - a) relu(x), so every kernel is the
/// linear one plus (1 - a)^2 times relu's arc-cosine kernel (theory.md section 1.7).
class LeakyRelu final : public SmoothActivation {
 public:
  [[nodiscard]] double cross_moment_cost() const override { return closed_form_cross_moment_cost; }
  explicit LeakyRelu(double slope);
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] std::string spec() const override;
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override { return x > 0.0 ? x : a_ * x; }
  [[nodiscard]] double derivative(double x) const override { return x > 0.0 ? 1.0 : a_; }
  [[nodiscard]] double mean(double q) const override;
  [[nodiscard]] double second_moment(double q) const override;
  [[nodiscard]] double second_moment_slope(double q) const override;
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment_at_angle(double q, double theta) const override;
  [[nodiscard]] double cross_moment_deficit_at_angle(double q, double theta) const override;
  [[nodiscard]] double input_moment(double q) const override;
  [[nodiscard]] double stein_log_slope(double /*q*/) const override { return 0.5; }

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {0.0}; }

 private:
  double a_;
  Relu relu_;
};

/// scale * (x for x > 0, alpha (e^x - 1) otherwise): elu (scale 1, alpha a)
/// and selu (the self-normalising constants of Klambauer et al. 2017).
class Elu final : public SmoothActivation {
 public:
  Elu(double alpha, double scale, std::string spec);
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] std::string spec() const override { return spec_; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  /// Closed forms in Owen's T (elu_kernel.cpp) where they keep their digits;
  /// the quadrature of SmoothActivation beyond.
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment_at_angle(double q, double theta) const override;
  /// Conditioned on u1 (elu_kernel.cpp): any c and variances.
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {0.0}; }

 private:
  /// E[phi(u1) phi(u2)], or with derivatives E[phi'(u1) phi'(u2)], by
  /// conditioning on u1: one 1-D quadrature with closed-form inner moments.
  [[nodiscard]] double conditioned_moment(double q1, double q2, double c, bool derivatives) const;
  double alpha_;
  double scale_;
  std::string spec_;
};

/// selu's constants (Klambauer et al. 2017), to double precision.
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;

}  // namespace qmf::detail
