#include "activations/common_smooth_activations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "numerics/format_number.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf::detail {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();

// 1 / (1 + e^-x) without overflow of e^-x for x << 0.
double logistic(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}
}  // namespace

double Gelu::bound() const { return infinity; }
double Gelu::value(double x) const { return x * normal_cdf(x); }
double Gelu::derivative(double x) const { return normal_cdf(x) + x * normal_pdf(x); }

double Silu::bound() const { return infinity; }
double Silu::value(double x) const { return x * logistic(x); }
double Silu::derivative(double x) const {
  const double s = logistic(x);
  return s * (1.0 + x * (1.0 - s));
}

double Sigmoid::value(double x) const { return logistic(x); }
double Sigmoid::derivative(double x) const {
  const double s = logistic(x);
  return s * (1.0 - s);
}

double Softplus::bound() const { return infinity; }
// max(x, 0) + log1p(e^-|x|): exact for large |x|, no overflow.
double Softplus::value(double x) const {
  return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
}
double Softplus::derivative(double x) const { return logistic(x); }

LeakyRelu::LeakyRelu(double slope) : a_(slope) {
  if (!(std::isfinite(slope) && slope >= 0.0))
    throw std::invalid_argument("leaky_relu: a must be a non-negative finite number");
}

std::string LeakyRelu::spec() const { return "leaky_relu,a=" + format_number(a_); }

double LeakyRelu::bound() const { return infinity; }

// phi = a x + b relu(x), b = 1 - a; E[x relu(y)] = c q / 2 for a pair with
// correlation c, so each moment is a times the linear one plus b^2 times relu's.
double LeakyRelu::mean(double q) const { return (1.0 - a_) * relu_.mean(q); }
double LeakyRelu::second_moment(double q) const {
  const double b = 1.0 - a_;
  return a_ * q + b * b * relu_.second_moment(q);
}
double LeakyRelu::second_moment_slope(double /*q*/) const {
  const double b = 1.0 - a_;
  return a_ + 0.5 * b * b;
}
double LeakyRelu::derivative_second_moment(double /*q*/) const { return 0.5 * (1.0 + a_ * a_); }
double LeakyRelu::cross_moment(double q, double c) const {
  const double b = 1.0 - a_;
  return a_ * q * c + b * b * relu_.cross_moment(q, c);
}
double LeakyRelu::cross_moment_deficit(double q, double c) const {
  const double b = 1.0 - a_;
  return a_ * q * (1.0 - c) + b * b * relu_.cross_moment_deficit(q, c);
}
// 1 - c = 2 sin^2(t/2) at the angle t: near the ordered phase's cusp the
// angle keeps the digits a rounded cosine loses.
double LeakyRelu::cross_moment_deficit_at_angle(double q, double theta) const {
  const double b = 1.0 - a_;
  const double half_sine = std::sin(0.5 * theta);
  return 2.0 * a_ * q * half_sine * half_sine +
         b * b * relu_.cross_moment_deficit_at_angle(q, theta);
}
double LeakyRelu::cross_moment_slope(double q, double c) const {
  const double b = 1.0 - a_;
  return a_ * q + b * b * relu_.cross_moment_slope(q, c);
}
double LeakyRelu::cross_moment_unequal(double q1, double q2, double c) const {
  const double b = 1.0 - a_;
  return a_ * c * std::sqrt(q1 * q2) + b * b * relu_.cross_moment_unequal(q1, q2, c);
}
// phi' = a + b 1{x > 0}: E[phi'(u1) phi'(u2)] = a^2 + a b + b^2 P(u1 > 0, u2 > 0).
double LeakyRelu::derivative_cross_moment(double q1, double q2, double c) const {
  const double b = 1.0 - a_;
  return a_ + b * b * relu_.derivative_cross_moment(q1, q2, c);
}
double LeakyRelu::derivative_cross_moment_at_angle(double q, double theta) const {
  const double b = 1.0 - a_;
  return a_ + b * b * relu_.derivative_cross_moment_at_angle(q, theta);
}
double LeakyRelu::input_moment(double q) const { return 0.5 * (1.0 + a_) * q; }

Elu::Elu(double alpha, double scale, std::string spec)
    : alpha_(alpha), scale_(scale), spec_(std::move(spec)) {
  if (!(std::isfinite(alpha) && alpha >= 0.0))
    throw std::invalid_argument("elu: a must be a non-negative finite number");
}

double Elu::bound() const { return infinity; }
double Elu::value(double x) const { return scale_ * (x > 0.0 ? x : alpha_ * std::expm1(x)); }
double Elu::derivative(double x) const { return scale_ * (x > 0.0 ? 1.0 : alpha_ * std::exp(x)); }

}  // namespace qmf::detail
