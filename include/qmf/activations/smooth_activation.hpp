// Smooth (or piecewise-smooth) activations: the base class a user derives from
// to bring their own nonlinearity. Only value(), derivative(), spec() and
// bound() are required; the Gaussian kernel then comes from adaptive
// quadrature, and a subclass overrides whatever has a closed form.
#pragma once

#include <vector>

#include "qmf/activations/activation.hpp"

namespace qmf {

/// Implements the Gaussian kernel by adaptive quadrature from value() and
/// derivative(); subclasses override whatever has a closed form.
class SmoothActivation : public Activation {
 public:
  [[nodiscard]] bool is_step() const override { return false; }
  /// True without kinks: the correlation integrals below are quadratures, and
  /// the series of a smooth phi converges fast. A kink makes the coefficients
  /// decay like a power, so the series never reaches the phase diagram's
  /// accuracy; a subclass with closed forms returns false as well.
  [[nodiscard]] bool has_fast_hermite_series() const override { return kinks().empty(); }
  [[nodiscard]] double mean(double q) const override;
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

 protected:
  /// Points x where phi has a kink (split points for the quadrature).
  [[nodiscard]] virtual std::vector<double> kinks() const { return {}; }
  /// phi(mid + half_gap) - phi(mid - half_gap). The deficit of the
  /// correlation map squares this as c -> 1; activations that can evaluate it
  /// without subtracting two nearby values override it.
  [[nodiscard]] virtual double difference(double mid, double half_gap) const;
  /// Quadrature break points in z = u / sqrt(q): the kinks, and points that
  /// resolve the scale 1/sqrt(q) of phi(sqrt(q) z) near 0.
  [[nodiscard]] std::vector<double> breaks_in_z(double q) const;
  /// The break points of both coordinates of a pair with variances q1, q2.
  [[nodiscard]] std::vector<double> merged_breaks(double q1, double q2) const;
};

}  // namespace qmf
