// Defaults of the Activation interface for inputs of unequal norm: exact where
// the norms agree, refused otherwise.
#include "qmf/activations/activation.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace qmf {

namespace {
void require_equal_norms(const Activation& phi, double q1, double q2) {
  if (q1 != q2)
    throw std::invalid_argument("activation '" + phi.spec() +
                                "' supports only inputs of equal norm (q1 = q2)");
}
}  // namespace

void Activation::values(const double* in, double* out, std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = value(in[i]);
}

void Activation::values(const float* in, float* out, std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(value(in[i]));
}

void Activation::derivatives(const double* in, double* out, std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = derivative(in[i]);
}

double Activation::central_spacing() const { return std::numeric_limits<double>::quiet_NaN(); }

double Activation::cross_moment_unequal(double q1, double q2, double c) const {
  require_equal_norms(*this, q1, q2);
  return cross_moment(q1, c);
}

double Activation::derivative_cross_moment(double q1, double q2, double c) const {
  require_equal_norms(*this, q1, q2);
  // d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)] (Price's theorem).
  return cross_moment_slope(q1, c) / q1;
}

double Activation::derivative_cross_moment_at_angle(double q, double theta) const {
  return has_angle_form() ? cross_moment_slope_at_angle(q, theta) / q
                          : derivative_cross_moment(q, q, std::cos(theta));
}

double Activation::cross_moment_deficit_at_angle(double q, double theta) const {
  return cross_moment_deficit(q, std::cos(theta));
}

double Activation::cross_moment_deficit_per_angle(double /*q*/, double /*theta*/) const {
  throw std::logic_error("activation '" + spec() + "' has no angle form");
}

double Activation::cross_moment_slope_at_angle(double /*q*/, double /*theta*/) const {
  throw std::logic_error("activation '" + spec() + "' has no angle form");
}

double Activation::cross_moment_deficit_rise_per_angle(double /*q*/, double /*lo*/,
                                                       double /*hi*/) const {
  throw std::logic_error("activation '" + spec() + "' has no angle form");
}

double Activation::linear_residual(double q) const {
  const double s = input_moment(q) / std::sqrt(q);
  return 1.0 - s * s / second_moment(q);
}

}  // namespace qmf
