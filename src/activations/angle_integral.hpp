// The integral over the angle t = acos(c) of a correlation integrand that
// changes on the scale 1/r next to t = 0 and t = pi (r = sqrt(q), where
// r sin t reaches 1) and on the unit scale elsewhere: by Price's theorem the
// deficit E[phi^2] - E[phi(u1) phi(u2)] at c = cos(theta) is
// q int_0^theta E[phi'(u1) phi'(u2)] sin t dt, an integral of this kind whose
// integrand does not cancel as c -> 1. Used by the closed-form kernels of elu
// and gelu. Private to the library.
#pragma once

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>

namespace qmf::detail {

/// int_fine^coarse f(t) dt (either order of the ends) over 8-point
/// Gauss-Legendre panels that halve towards `fine`: down to a quarter of the
/// smaller scale, min(1, 1/r), then one more panel reaches `fine`.
template <class Integrand>
double graded_angle_integral(const Integrand& f, double r, double coarse, double fine) {
  const double finest = 0.25 * std::min(1.0, 1.0 / r);
  double integral = 0.0;
  double width = coarse - fine;
  const auto add_panel = [&](double a, double b) {
    integral +=
        boost::math::quadrature::gauss<double, 8>::integrate(f, std::min(a, b), std::max(a, b));
  };
  for (; std::fabs(width) > finest; width *= 0.5) add_panel(fine + 0.5 * width, fine + width);
  add_panel(fine, fine + width);
  return integral;
}

/// int_0^theta f(t) dt for theta in [0, pi], split at pi/2 so that each part
/// is graded towards its end next to 0 or pi.
template <class Integrand>
double angle_integral_from_zero(const Integrand& f, double r, double theta) {
  constexpr double half_pi = boost::math::constants::half_pi<double>();
  const double near_one = graded_angle_integral(f, r, std::min(theta, half_pi), 0.0);
  const double near_minus_one = theta > half_pi ? graded_angle_integral(f, r, half_pi, theta) : 0.0;
  return near_one + near_minus_one;
}

}  // namespace qmf::detail
