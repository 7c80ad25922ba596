// The built-in smooth activations. Private to the library: users obtain them
// through make_activation().
#pragma once

#include <cmath>
#include <vector>

#include "qmf/activations/smooth_activation.hpp"

namespace qmf::detail {

using qmf::SmoothActivation;

/// cross_moment_cost() of an activation whose kernel is in closed form: a few
/// special functions per evaluation (the 2^15 of the adaptive rule would
/// refuse a 10^6-layer relu map, or a 100 x 100 relu phase diagram).
constexpr double closed_form_cross_moment_cost = 16.0;

class Tanh final : public SmoothActivation {
 public:
  [[nodiscard]] bool is_odd() const override { return true; }
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] std::string spec() const override { return "tanh"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  [[nodiscard]] double mean(double /*q*/) const override { return 0.0; }

 protected:
  /// tanh(a) - tanh(b) = sinh(a - b) / (cosh a cosh b).
  [[nodiscard]] double difference(double mid, double half_gap) const override;
};

class HardTanh final : public SmoothActivation {
 public:
  [[nodiscard]] bool is_odd() const override { return true; }
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] bool has_fast_hermite_series() const override { return false; }
  [[nodiscard]] std::string spec() const override { return "hardtanh"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  [[nodiscard]] double mean(double /*q*/) const override { return 0.0; }
  [[nodiscard]] double second_moment(double q) const override;
  [[nodiscard]] double second_moment_slope(double q) const override;
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  /// By Price's theorem and Plackett's kernel of phi' (hard_tanh_deficit.cpp),
  /// also in the angle theta = acos(c): next to the order-chaos line 1 - c*
  /// is far below the resolution of a double c* (issue 15).
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] bool has_angle_form() const override { return true; }
  [[nodiscard]] double cross_moment_deficit_per_angle(double q, double theta) const override;
  [[nodiscard]] double cross_moment_slope_at_angle(double q, double theta) const override;

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {-1.0, 1.0}; }
  /// Exactly 2 half_gap while both points lie in the linear part.
  [[nodiscard]] double difference(double mid, double half_gap) const override;
};

/// phi(x) = erf(x): the arcsine kernel in closed form.
class Erf final : public SmoothActivation {
 public:
  [[nodiscard]] bool is_odd() const override { return true; }
  [[nodiscard]] double cross_moment_cost() const override { return closed_form_cross_moment_cost; }
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] bool has_fast_hermite_series() const override { return false; }
  [[nodiscard]] std::string spec() const override { return "erf"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double x) const override;
  [[nodiscard]] double mean(double /*q*/) const override { return 0.0; }
  [[nodiscard]] double second_moment(double q) const override;
  [[nodiscard]] double second_moment_slope(double q) const override;
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  [[nodiscard]] double input_moment(double q) const override;
  [[nodiscard]] double stein_log_slope(double q) const override;
};

/// phi(x) = max(x, 0): the arc-cosine kernel of degree 1 in closed form.
class Relu final : public SmoothActivation {
 public:
  [[nodiscard]] double cross_moment_cost() const override { return closed_form_cross_moment_cost; }
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] bool has_fast_hermite_series() const override { return false; }
  [[nodiscard]] std::string spec() const override { return "relu"; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override { return x > 0.0 ? x : 0.0; }
  [[nodiscard]] double derivative(double x) const override { return x > 0.0 ? 1.0 : 0.0; }
  [[nodiscard]] double mean(double q) const override;
  [[nodiscard]] double second_moment(double q) const override { return 0.5 * q; }
  [[nodiscard]] double second_moment_slope(double /*q*/) const override { return 0.5; }
  [[nodiscard]] double derivative_second_moment(double /*q*/) const override { return 0.5; }
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  /// (pi - theta) / (2 pi).
  [[nodiscard]] double derivative_cross_moment_at_angle(double q, double theta) const override;
  [[nodiscard]] double cross_moment_deficit_at_angle(double q, double theta) const override;
  [[nodiscard]] double input_moment(double q) const override { return 0.5 * q; }
  [[nodiscard]] double stein_log_slope(double /*q*/) const override { return 0.5; }

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {0.0}; }
};

class Linear final : public SmoothActivation {
 public:
  [[nodiscard]] bool is_odd() const override { return true; }
  [[nodiscard]] double cross_moment_cost() const override { return closed_form_cross_moment_cost; }
  [[nodiscard]] bool square_grows_outward() const override { return true; }
  [[nodiscard]] bool has_fast_hermite_series() const override { return false; }
  [[nodiscard]] std::string spec() const override { return "linear"; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override { return x; }
  [[nodiscard]] double derivative(double /*x*/) const override { return 1.0; }
  [[nodiscard]] double mean(double /*q*/) const override { return 0.0; }
  [[nodiscard]] double second_moment(double q) const override { return q; }
  [[nodiscard]] double second_moment_slope(double /*q*/) const override { return 1.0; }
  [[nodiscard]] double derivative_second_moment(double /*q*/) const override { return 1.0; }
  [[nodiscard]] double cross_moment(double q, double c) const override { return q * c; }
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override {
    return q * (1.0 - c);
  }
  [[nodiscard]] double cross_moment_slope(double q, double /*c*/) const override { return q; }
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override {
    return c * std::sqrt(q1 * q2);
  }
  [[nodiscard]] double derivative_cross_moment(double /*q1*/, double /*q2*/,
                                               double /*c*/) const override {
    return 1.0;
  }
  [[nodiscard]] double input_moment(double q) const override { return q; }
  [[nodiscard]] double stein_log_slope(double /*q*/) const override { return 0.5; }
};

}  // namespace qmf::detail
