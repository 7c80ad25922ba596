// Piecewise-constant activations phi(x) = y_0 + sum_k h_k Theta(x - t_k).
#pragma once

#include <vector>

#include "qmf/activations/activation.hpp"

namespace qmf {

namespace detail {
class PlackettKernel;
}

class StepActivation final : public Activation {
 public:
  /// K strictly increasing finite thresholds and K + 1 finite levels; throws
  /// std::invalid_argument otherwise. `name` is the spec string reported back.
  StepActivation(std::vector<double> thresholds, std::vector<double> levels, std::string name);

  [[nodiscard]] const std::vector<double>& thresholds() const { return thresholds_; }
  [[nodiscard]] const std::vector<double>& levels() const { return levels_; }
  [[nodiscard]] double central_spacing() const override;
  [[nodiscard]] double cross_moment_cost() const override;

  [[nodiscard]] std::string spec() const override { return name_; }
  [[nodiscard]] bool is_step() const override { return true; }
  [[nodiscard]] double bound() const override;
  [[nodiscard]] double value(double x) const override;
  [[nodiscard]] double derivative(double /*x*/) const override { return 0.0; }
  void values(const double* in, double* out, std::size_t n) const override;
  void values(const float* in, float* out, std::size_t n) const override;

  [[nodiscard]] double mean(double q) const override;
  [[nodiscard]] double second_moment(double q) const override;
  [[nodiscard]] double second_moment_slope(double q) const override;
  [[nodiscard]] double derivative_second_moment(double q) const override;
  [[nodiscard]] double cross_moment(double q, double c) const override;
  [[nodiscard]] double cross_moment_deficit(double q, double c) const override;
  [[nodiscard]] double cross_moment_slope(double q, double c) const override;
  [[nodiscard]] double cross_moment_unequal(double q1, double q2, double c) const override;
  /// phi' as the deltas at the jumps: finite for |c| < 1, infinite at c = 1
  /// with equal variances, like derivative_second_moment.
  [[nodiscard]] double derivative_cross_moment(double q1, double q2, double c) const override;
  [[nodiscard]] double input_moment(double q) const override;
  [[nodiscard]] double stein_log_slope(double q) const override;
  /// min_g E[(z - g phi(sqrt(q) z))^2] summed cell by cell (quantizer_mse).
  [[nodiscard]] double linear_residual(double q) const override;
  /// No jump brings a level closer to zero going away from x = 0.
  [[nodiscard]] bool square_grows_outward() const override;

  /// The cusp regime near c = 1, in the angle theta = acos(c) in [0, pi/2]:
  /// 1 - c = 2 sin^2(theta/2) underflows (c* can lie 1e-511 below 1) long
  /// before theta does. cross_moment_deficit(q, cos theta) / theta, without
  /// underflow:
  [[nodiscard]] bool has_angle_form() const override { return true; }
  [[nodiscard]] double cross_moment_deficit_per_angle(double q, double theta) const override;
  /// cross_moment_slope(q, cos theta), with 1 - c never rounded to 0 first.
  [[nodiscard]] double cross_moment_slope_at_angle(double q, double theta) const override;
  /// One panel of the fixed Gauss-Legendre rule of the deficit, over [lo, hi].
  [[nodiscard]] double cross_moment_deficit_rise_per_angle(double q, double lo,
                                                           double hi) const override;

  /// E[phi(u)^2] as the sum of level^2 times the probability of each cell,
  /// narrow cells by Gauss-Legendre quadrature: the independent route used to
  /// check second_moment, and its fallback where its sum cancels.
  [[nodiscard]] double second_moment_by_cells(double q) const;

  /// E[phi(u1) phi(u2)] by Plackett's integral instead of Owen's T: the
  /// independent route used to check cross_moment.
  [[nodiscard]] double cross_moment_plackett(double q, double c) const;

  /// Equally spaced thresholds and equal jumps (the uniform quantizer): the
  /// correlation integrals then cost O(K) per point instead of O(K^2).
  [[nodiscard]] bool is_uniform_staircase() const { return uniform_staircase_; }
  /// Thresholds and levels symmetric about 0 (t_k = -t_(K-1-k), y_k =
  /// -y_(K-k)) up to the few ulps with which the factories compute them.
  [[nodiscard]] bool is_odd() const override { return odd_; }

  /// Library-internal (the type is private to the library): the kernel of the
  /// correlation integrals at variance q, which the Newton iteration for c*
  /// keeps for all its steps instead of rebuilding it for each integral.
  [[nodiscard]] detail::PlackettKernel plackett_kernel(double q) const;

 private:
  std::vector<double> scaled_thresholds(double q) const;
  std::vector<double> thresholds_;
  std::vector<double> levels_;
  std::vector<double> jumps_;
  bool uniform_staircase_ = false;
  bool odd_ = false;
  std::string name_;
};

/// The uniform N-level quantizer of hard-tanh (theory.md section 3): levels
/// -A + 2A m/(N-1), thresholds D (k - N/2). D defaults to 2A/(N-1).
std::unique_ptr<StepActivation> make_uniform_quantizer(int levels, double amplitude = 1.0,
                                                       double spacing = 0.0);

/// The quantized ReLU (qrelu:N,A=a): N levels A m/(N-1), m = 0..N-1, with
/// the thresholds halfway between them, A (k - 1/2)/(N-1), k = 1..N-1: ReLU
/// rounded to the nearest level and clipped at A (0 below the first threshold).
std::unique_ptr<StepActivation> make_quantized_relu(int levels, double amplitude = 1.0);

}  // namespace qmf
