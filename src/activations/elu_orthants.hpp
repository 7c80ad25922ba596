// The tilted orthant probabilities of elu's kernel (elu_kernel.cpp): each
// sign pattern of E[phi'(u1) phi'(u2)] with an exponential branch is an
// exponential times an orthant probability of a standard pair with
// correlation c = cos t (tilting by e^(w . z) shifts the mean by Sigma w).
// Private to the library.
#pragma once

#include <cmath>

namespace qmf::detail {

/// A correlation cos t given by its angle t in [0, pi], with the sines that
/// keep their digits as t -> 0 (where 1 - c rounds away).
struct Angle {
  explicit Angle(double angle)
      : t(angle), cos(std::cos(angle)), sin(std::sin(angle)), half_sin(std::sin(0.5 * angle)) {}
  double t;
  double cos;
  double sin;
  double half_sin;  // sin(t/2): 1 - c = 2 sin^2(t/2)
};

/// e^(r^2/2) P(z1 > -c r, z2 <= -r): z1 on the positive branch, z2 on the
/// exponential one.
double one_positive(double r, const Angle& angle);

/// e^((r1^2 + 2 c r1 r2 + r2^2)/2) P(z1 <= -(r1 + c r2), z2 <= -(c r1 + r2)):
/// both on the exponential branch.
double both_exponential(double r1, double r2, const Angle& angle);

/// e^(x^2/2) Phi(-x) for x >= 0, without overflow.
double mills(double x);

/// Whether the two functions above hold their digits (~1e-13) at variances
/// q1, q2 and this correlation; where they do not, callers integrate instead.
bool orthants_hold(double q1, double q2, double c);

}  // namespace qmf::detail
