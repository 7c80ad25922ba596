#include "qmf/numerics/gaussian.hpp"

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>
#include <limits>

#include "numerics/adaptive_gauss_kronrod.hpp"

namespace qmf {

namespace {
constexpr double pi = boost::math::constants::pi<double>();
constexpr double inv_sqrt_2pi = boost::math::constants::one_div_root_two_pi<double>();
constexpr double inv_sqrt2 = boost::math::constants::one_div_root_two<double>();

// Owen's T(h, a), extended to a = +-inf: T(h, +-inf) = +-Phi(-|h|)/2.
double owens_t(double h, double a) {
  if (std::isinf(a)) return std::copysign(0.5 * normal_sf(std::fabs(h)), a);
  return boost::math::owens_t(h, a);
}

// Lower orthant P(z1 < h, z2 < k) for |rho| < 1 (Owen 1956, eq. 3.1).
double lower_orthant(double h, double k, double rho) {
  if (h == 0.0 && k == 0.0) return 0.25 + std::asin(rho) / (2.0 * pi);
  const double root = std::sqrt((1.0 - rho) * (1.0 + rho));
  // At h = 0 the argument a_h is +-inf with the sign of (k - rho h) = k.
  const double a_h = h == 0.0 ? std::copysign(std::numeric_limits<double>::infinity(), k)
                              : (k - rho * h) / (h * root);
  const double a_k = k == 0.0 ? std::copysign(std::numeric_limits<double>::infinity(), h)
                              : (h - rho * k) / (k * root);
  // By signs, not by h k > 0: h = k = -1e-200 has h k = 0 in doubles, which
  // put the pair on opposite sides (steps:t=0;1e-300 got E[phi phi] wrong).
  const bool same_side =
      (h > 0.0 && k > 0.0) || (h < 0.0 && k < 0.0) || ((h == 0.0 || k == 0.0) && h + k >= 0.0);
  const double beta = same_side ? 0.0 : 0.5;
  return 0.5 * (normal_cdf(h) + normal_cdf(k)) - owens_t(h, a_h) - owens_t(k, a_k) - beta;
}
}  // namespace

double normal_pdf(double x) { return inv_sqrt_2pi * std::exp(-0.5 * x * x); }

double normal_cdf(double x) { return 0.5 * std::erfc(-x * inv_sqrt2); }

double normal_sf(double x) { return 0.5 * std::erfc(x * inv_sqrt2); }

double normal_interval(double a, double b) {
  if (!(a < b)) return 0.0;
  // A narrow finite interval: integrate the density directly, since the
  // difference of two distribution values would lose digits to cancellation.
  if (b - a <= 0.5) {
    const double mid = 0.5 * (a + b);
    const double half = 0.5 * (b - a);
    const double integral = boost::math::quadrature::gauss<double, 10>::integrate(
        [&](double t) { return normal_pdf(mid + half * t); }, -1.0, 1.0);
    return half * integral;
  }
  if (a >= 0.0) return normal_sf(a) - normal_sf(b);
  if (b <= 0.0) return normal_cdf(b) - normal_cdf(a);
  return 1.0 - normal_sf(b) - normal_cdf(a);
}

double bivariate_normal_pdf(double a, double b, double rho) {
  const double one_minus_rho2 = (1.0 - rho) * (1.0 + rho);
  return std::exp(-(a * a + b * b - 2.0 * rho * a * b) / (2.0 * one_minus_rho2)) /
         (2.0 * pi * std::sqrt(one_minus_rho2));
}

double bivariate_normal_upper(double a, double b, double rho) {
  if (rho >= 1.0) return normal_sf(std::max(a, b));
  if (rho <= -1.0) return normal_interval(a, -b);
  // Upper orthant of (z1, z2) is the lower orthant of (-z1, -z2).
  return std::max(0.0, lower_orthant(-a, -b, rho));
}

double plackett_density(double a, double b, double theta) {
  const double s = std::sin(theta);
  const double cos_theta = std::cos(theta);
  const double cos2 = cos_theta * cos_theta;
  // a^2 + b^2 - 2ab s = (a -+ b)^2 + 2ab (1 -+ s), so the exponent
  // (a^2 + b^2 - 2ab s) / (2 cos^2) is (a - b)^2 / (2 cos^2) + ab / (1 + s) or
  // (a + b)^2 / (2 cos^2) - ab / (1 - s): no 0/0 as |theta| -> pi/2.
  const double d = s >= 0.0 ? a - b : a + b;
  const double cross = s >= 0.0 ? a * b / (1.0 + s) : -a * b / (1.0 - s);
  const double quadratic = d == 0.0 ? 0.0 : d * d / (2.0 * cos2);
  return std::exp(-quadratic - cross) / (2.0 * pi);
}

double bivariate_normal_upper_plackett(double a, double b, double rho) {
  rho = std::clamp(rho, -1.0, 1.0);
  const double theta_end = std::asin(rho);
  const double ends[] = {std::min(0.0, theta_end), std::max(0.0, theta_end)};
  const double integral =
      detail::integrate_converged([a, b](double t) { return plackett_density(a, b, t); }, ends,
                                  {1e-15, 0.0})
          .integral;
  return normal_sf(a) * normal_sf(b) + std::copysign(integral, theta_end);
}

}  // namespace qmf
