#include "qmf/kernel/derivative_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "numerics/format_number.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf {

double bivariate_normal_rectangle(double a, double b, double rho) {
  // P(-a < z1 <= a, -b < z2 <= b) = U(-a,-b) - U(a,-b) - U(-a,b) + U(a,b) with
  // U(x, y) = P(z1 > x, z2 > y). The terms are at most 1 and the result is a
  // probability, so the cancellation costs at most ~1e-16 absolute.
  const double p = bivariate_normal_upper(-a, -b, rho) - bivariate_normal_upper(a, -b, rho) -
                   bivariate_normal_upper(-a, b, rho) + bivariate_normal_upper(a, b, rho);
  return std::clamp(p, 0.0, 1.0);
}

namespace {

// U(x, y) = P(z1 > x, z2 > y), also where x or y is infinite.
double upper_orthant(double x, double y, double rho) {
  if (x == HUGE_VAL || y == HUGE_VAL) return 0.0;
  if (x == -HUGE_VAL) return y == -HUGE_VAL ? 1.0 : normal_sf(y);
  if (y == -HUGE_VAL) return normal_sf(x);
  return bivariate_normal_upper(x, y, rho);
}

}  // namespace

double bivariate_normal_box(double a1, double b1, double a2, double b2, double rho) {
  const double p = upper_orthant(a1, a2, rho) - upper_orthant(b1, a2, rho) -
                   upper_orthant(a1, b2, rho) + upper_orthant(b1, b2, rho);
  return std::clamp(p, 0.0, 1.0);
}

std::string to_string(DerivativeKind kind) {
  return kind == DerivativeKind::straight_through ? "ste" : "true";
}

DerivativeKind parse_derivative_kind(const std::string& text) {
  if (text == "true") return DerivativeKind::true_derivative;
  if (text == "ste") return DerivativeKind::straight_through;
  throw std::invalid_argument("derivative must be true or ste (got '" + text + "')");
}

DerivativeKernel::DerivativeKernel(const Activation& phi)
    : phi_(phi), kind_(DerivativeKind::true_derivative) {}

DerivativeKernel::DerivativeKernel(const Activation& phi, StraightThrough surrogate)
    : phi_(phi), kind_(DerivativeKind::straight_through), surrogate_(surrogate) {
  if (!phi.is_step())
    throw std::invalid_argument("derivative ste applies to step activations only (got " +
                                phi.spec() + ", whose phi' is used)");
  for (const auto& [field, value] :
       {std::pair{"ste_slope", surrogate.slope}, std::pair{"ste_clip", surrogate.clip}})
    if (!(std::isfinite(value) && value > 0.0))
      throw std::invalid_argument(std::string(field) + " must be a positive finite number (got " +
                                  detail::format_number(value) + ")");
  if (surrogate.window) validate_window(surrogate.lower(), surrogate.upper());
}

// The true derivative of a step activation is zero almost everywhere: the
// Activation's phi' moments take the jumps' deltas instead (chi_1 = +inf).
double DerivativeKernel::second_moment(double q) const {
  if (kind_ == DerivativeKind::true_derivative)
    return phi_.is_step() ? 0.0 : phi_.derivative_second_moment(q);
  return surrogate_.slope * surrogate_.slope * window_probability(surrogate_, q);
}

double DerivativeKernel::cross_moment(double q1, double q2, double c) const {
  if (kind_ == DerivativeKind::true_derivative)
    return phi_.is_step() ? 0.0 : phi_.derivative_cross_moment(q1, q2, c);
  const double s2 = surrogate_.slope * surrogate_.slope;
  if (!surrogate_.window)
    return s2 * bivariate_normal_rectangle(surrogate_.clip / std::sqrt(q1),
                                           surrogate_.clip / std::sqrt(q2), c);
  const double r1 = std::sqrt(q1), r2 = std::sqrt(q2);
  return s2 * bivariate_normal_box(surrogate_.lower() / r1, surrogate_.upper() / r1,
                                   surrogate_.lower() / r2, surrogate_.upper() / r2, c);
}

double DerivativeKernel::cross_moment_at_angle(double q, double theta) const {
  if (kind_ == DerivativeKind::true_derivative)
    return phi_.is_step() ? 0.0 : phi_.derivative_cross_moment_at_angle(q, theta);
  // The symmetric window's P(|u1| <= tau, |u2| <= tau) is hard-tanh's slope /
  // q at the variance q / tau^2 (Plackett's integral in the angle), used where
  // the cusp is near; elsewhere, and for a one-sided window, the orthants.
  if (surrogate_.window || theta > 0.5) return cross_moment(q, q, std::cos(theta));
  static const auto hard_tanh = make_activation("hardtanh");
  const double scaled = q / (surrogate_.clip * surrogate_.clip);
  return surrogate_.slope * surrogate_.slope *
         hard_tanh->cross_moment_slope_at_angle(scaled, theta) / scaled;
}

DerivativeKernel requested_derivative_kernel(const Activation& phi, DerivativeKind kind,
                                             const Initialization& init, double q0,
                                             std::optional<double> ste_slope,
                                             std::optional<double> ste_clip) {
  if (kind == DerivativeKind::true_derivative) {
    if (ste_slope || ste_clip)
      throw std::invalid_argument(std::string(ste_slope ? "ste_slope" : "ste_clip") +
                                  " applies to derivative ste only");
    return DerivativeKernel(phi);
  }
  const double clip = ste_clip.value_or(1.0);
  if (!(std::isfinite(clip) && clip > 0.0))
    throw std::invalid_argument("ste_clip must be a positive finite number (got " +
                                detail::format_number(clip) + ")");
  // A smooth phi is refused by the constructor, naming the rule, before its
  // length map is searched for a slope.
  if (!phi.is_step()) return DerivativeKernel(phi, {1.0, clip});
  if (ste_slope) return DerivativeKernel(phi, {*ste_slope, clip});
  return DerivativeKernel(phi,
                          gradient_preserving_surrogate(phi, init, init.sw2 * q0 + init.sb2, clip));
}

}  // namespace qmf
