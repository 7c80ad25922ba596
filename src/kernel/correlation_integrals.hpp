// The three sources of the correlation integrals that the Newton iteration
// for c* visits (library-internal; used by correlation_fixed_point.cpp):
// integrated afresh, carried down in the angle for step activations, or
// summed from a Hermite series.
#pragma once

#include <stdexcept>

#include "activations/hermite_series.hpp"
#include "activations/plackett_kernel.hpp"
#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf::detail {

/// pi/2: the angle acos(0) where the descent starts.
constexpr double half_pi = 1.5707963267948966;

// The correlation integrals at the points the Newton iteration visits: the
// deficit E[phi^2] - E[phi(u1) phi(u2)] (at c, or per angle theta = acos c
// for an activation with an angle form) and the slope d/dc E[phi(u1)
// phi(u2)]. Here each is integrated on its own.
class FreshIntegrals {
 public:
  FreshIntegrals(const Activation& phi, double q) : phi_(phi), q_(q) {}
  [[nodiscard]] double at(double c) { return phi_.cross_moment_deficit(q_, c); }
  [[nodiscard]] double slope(double c) const { return phi_.cross_moment_slope(q_, c); }
  /// deficit(cos theta) / theta for an activation with an angle form.
  [[nodiscard]] double per_angle(double theta) {
    return phi_.cross_moment_deficit_per_angle(q_, theta);
  }
  /// The slope at c = cos theta, for an activation with an angle form.
  [[nodiscard]] double slope_at_angle(double theta) const {
    return phi_.cross_moment_slope_at_angle(q_, theta);
  }

 private:
  const Activation& phi_;
  double q_;
};

// The same for a step activation, where the iteration only moves down in the
// angle theta = acos(c) from theta = pi/2: a step to at least half the angle
// updates the deficit by one panel of its rule (deficit_rise_per_angle); a
// longer one integrates anew. The state is the deficit per angle,
// deficit(cos theta) / theta, which stays representable where theta
// underflows in products. One Plackett kernel serves every step.
class DescendingIntegrals {
 public:
  DescendingIntegrals(const StepActivation& phi, double q) : kernel_(phi.plackett_kernel(q)) {
    // At c = 0 the deficit is the variance of phi(u), in closed form when
    // E[phi]^2 cancels at most half of E[phi^2] (one bit).
    const double mean = phi.mean(q);
    const double second = phi.second_moment(q);
    per_angle_ = mean * mean <= 0.5 * second ? (second - mean * mean) / half_pi
                                             : kernel_.deficit_per_angle(half_pi);
  }
  [[nodiscard]] double at(double c) {
    const double theta = std::acos(c);
    return theta * per_angle(theta);
  }
  [[nodiscard]] double slope(double c) const { return kernel_.slope(c); }
  [[nodiscard]] double slope_at_angle(double theta) const { return kernel_.slope_at_angle(theta); }
  [[nodiscard]] double per_angle(double theta) {
    if (theta == theta_) return per_angle_;
    if (theta < theta_ && theta >= 0.5 * theta_) {
      // theta_ P = theta P' + (theta_ - theta) rise.
      const double rise = kernel_.deficit_rise_per_angle(theta, theta_);
      per_angle_ += (theta_ - theta) / theta * (per_angle_ - rise);
    } else {
      per_angle_ = kernel_.deficit_per_angle(theta);
    }
    theta_ = theta;
    return per_angle_;
  }

 private:
  detail::PlackettKernel kernel_;
  double theta_ = half_pi;
  double per_angle_ = 0.0;
};

// The same from the Hermite series of phi at q (Mehler's formula): O(terms)
// per value once the series is built (for activations without an angle form).
class SeriesIntegrals {
 public:
  explicit SeriesIntegrals(const HermiteSeries& series) : series_(series) {}
  [[nodiscard]] double at(double c) const { return series_.deficit(c); }
  [[nodiscard]] double slope(double c) const { return series_.slope(c); }
  [[nodiscard]] double per_angle(double /*theta*/) const {
    throw std::logic_error("a Hermite series has no angle form");
  }
  [[nodiscard]] double slope_at_angle(double theta) const { return per_angle(theta); }

 private:
  const HermiteSeries& series_;
};

}  // namespace qmf::detail
