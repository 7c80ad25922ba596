// The one activation interface every algorithm in qmf is written against.
//
// An activation is seen through the Gaussian kernel it induces: moments of
// phi(u) for u ~ N(0, q), and of phi(u1) phi(u2) for a pair with equal variance
// q and correlation c. Step activations implement these with exact formulas,
// smooth ones by closed forms or quadrature; maps, fixed points, criticality
// and depth scales never ask which.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace qmf {

class Activation {
 public:
  virtual ~Activation() = default;

  /// Canonical spec string, e.g. "quant:16,A=1,D=0.13333333333333333".
  [[nodiscard]] virtual std::string spec() const = 0;
  /// True for piecewise-constant activations: chi_1 is infinite and c = 1 is
  /// always an unstable fixed point of the correlation map.
  [[nodiscard]] virtual bool is_step() const = 0;
  /// sup |phi(x)|, +inf when unbounded.
  [[nodiscard]] virtual double bound() const = 0;

  /// phi(x) and its derivative (zero almost everywhere for step functions).
  [[nodiscard]] virtual double value(double x) const = 0;
  [[nodiscard]] virtual double derivative(double x) const = 0;
  /// phi of n values at once (out may alias in): the trainer's forward pass.
  /// The defaults call value(); step activations count thresholds instead.
  virtual void values(const double* in, double* out, std::size_t n) const;
  virtual void values(const float* in, float* out, std::size_t n) const;
  /// phi' of n values at once (out may alias in): the simulation's backward
  /// pass, one virtual call per column. The default calls derivative().
  virtual void derivatives(const double* in, double* out, std::size_t n) const;

  /// Spacing of the two central thresholds of a step activation (D for the
  /// uniform quantizer); NaN where no spacing exists (smooth activations, a
  /// single threshold).
  [[nodiscard]] virtual double central_spacing() const;
  /// Terms summed by one cross_moment evaluation, the unit in which callers
  /// bound work: K for a uniform staircase of K thresholds, K^2 for general
  /// steps, and the 2^15 integrand calls an adaptive 2-D rule may take.
  [[nodiscard]] virtual double cross_moment_cost() const { return 32768.0; }

  /// E[phi(u)], u ~ N(0, q).
  [[nodiscard]] virtual double mean(double q) const = 0;
  /// E[phi(u)^2].
  [[nodiscard]] virtual double second_moment(double q) const = 0;
  /// d/dq E[phi(u)^2].
  [[nodiscard]] virtual double second_moment_slope(double q) const = 0;
  /// E[phi'(u)^2]; +inf for step activations.
  [[nodiscard]] virtual double derivative_second_moment(double q) const = 0;

  /// E[phi(u1) phi(u2)] for Var u1 = Var u2 = q and correlation c.
  [[nodiscard]] virtual double cross_moment(double q, double c) const = 0;
  /// E[phi(u)^2] - E[phi(u1) phi(u2)] = E[(phi(u1) - phi(u2))^2] / 2, computed
  /// without cancellation as c -> 1.
  [[nodiscard]] virtual double cross_moment_deficit(double q, double c) const = 0;
  /// d/dc E[phi(u1) phi(u2)] (= q E[phi'(u1) phi'(u2)] for smooth phi); for
  /// step activations it diverges like (1 - c)^(-1/2) as c -> 1.
  [[nodiscard]] virtual double cross_moment_slope(double q, double c) const = 0;

  /// E[phi(u1) phi(u2)] for inputs of unequal variances q1, q2 and correlation
  /// c. The default serves q1 == q2 through cross_moment and throws
  /// std::invalid_argument otherwise; every built-in family overrides it.
  [[nodiscard]] virtual double cross_moment_unequal(double q1, double q2, double c) const;
  /// E[phi'(u1) phi'(u2)] for the same pair: the derivative kernel of the
  /// neural tangent kernel. For step activations phi' is the sum of deltas at
  /// the jumps, as in derivative_second_moment (+inf): Price's theorem's
  /// d/dc E[phi(u1) phi(u2)] / sqrt(q1 q2), finite for |c| < 1. (The NTK with
  /// the true derivative takes phi' = 0 almost everywhere instead:
  /// qmf/kernel/derivative_kernel.hpp.) The default serves q1 == q2 through
  /// cross_moment_slope / q.
  [[nodiscard]] virtual double derivative_cross_moment(double q1, double q2, double c) const;
  /// The same at equal variances q and the angle theta = acos(c) in [0, pi].
  /// Where it has a cusp at c = 1 (relu: (pi - theta) / (2 pi)) the angle
  /// keeps the digits that a cosine rounded to a double loses (at theta ~
  /// 1e-8, 1e-9 of the value). The default: the angle form's slope / q where
  /// there is one, else derivative_cross_moment at cos(theta).
  [[nodiscard]] virtual double derivative_cross_moment_at_angle(double q, double theta) const;
  /// cross_moment_deficit at the angle theta = acos(c): as c -> 1 a cosine
  /// rounded to a double keeps 1 - c only to 1.1e-16, so a deficit that falls
  /// geometrically (the ordered phase) would stall there. The default
  /// evaluates cross_moment_deficit at cos(theta).
  [[nodiscard]] virtual double cross_moment_deficit_at_angle(double q, double theta) const;

  /// E[u phi(u)] = q E[phi'(u)] (Stein's lemma), u ~ N(0, q): at c = 0 the
  /// correlation map's slope is sw2 E[u phi(u)]^2 / (q q').
  [[nodiscard]] virtual double input_moment(double q) const = 0;
  /// True when phi(x)^2 never decreases along a ray from x = 0: then every
  /// E[phi(sqrt(q) z)^2] grows with q and the length map is monotone, so its
  /// iteration cannot overshoot a fixed point. False unless proven.
  [[nodiscard]] virtual bool square_grows_outward() const { return false; }
  /// True when E[phi(sqrt(q) z)^2] never decreases in q, so that the length
  /// map is monotone. E[phi(sqrt(q) z)^2] = E[e(sqrt(q) |z|)] with e(x) =
  /// (phi(x)^2 + phi(-x)^2) / 2, so it suffices that e never decreases on
  /// x >= 0: when phi^2 grows outward, when phi^2 is convex, or as shown for
  /// the activation. False unless proven.
  [[nodiscard]] virtual bool second_moment_grows() const { return square_grows_outward(); }
  /// True when phi(-x) = -phi(x): then E[phi(u1) phi(u2)] is odd in c, and at
  /// sb2 = 0 the antipodal c = -1 is a fixed point as exact as c = 1 (the
  /// kernels keep such pairs by reflection). False unless proven.
  [[nodiscard]] virtual bool is_odd() const { return false; }

  /// True when phi is analytic near the real axis and its correlation
  /// integrals have no closed form: the Hermite series of phi(sqrt(q) z) then
  /// converges fast and replaces two-dimensional quadrature where one q
  /// serves many correlations (the phase diagram's c*).
  [[nodiscard]] virtual bool has_fast_hermite_series() const { return false; }
  /// For such a phi, the half-width D of the strip |Im x| < D where it is
  /// analytic (its nearest complex singularity): the series of phi(sqrt(q) z)
  /// needs terms in proportion to q / D^2. tanh's D = pi/2 unless overridden;
  /// a D too wide only fails the series' Parseval check (and quadrature
  /// takes over), a D too narrow costs time.
  [[nodiscard]] virtual double analytic_strip() const { return 1.5707963267948966; }

  /// True when the two members below are implemented: the correlation map
  /// near c = 1 in the angle theta = acos(c), for activations whose c* can lie
  /// closer to 1 than a double resolves (step activations, by their cusp).
  [[nodiscard]] virtual bool has_angle_form() const { return false; }
  /// cross_moment_deficit(q, cos theta) / theta without underflow; the
  /// default throws std::logic_error (has_angle_form() is false).
  [[nodiscard]] virtual double cross_moment_deficit_per_angle(double q, double theta) const;
  /// cross_moment_slope(q, cos theta) with 1 - c never rounded to 0 first.
  [[nodiscard]] virtual double cross_moment_slope_at_angle(double q, double theta) const;
  /// (deficit(cos hi) - deficit(cos lo)) / (hi - lo), deficit the
  /// cross_moment_deficit, for hi / 2 <= lo < hi <= pi/2: the deficit's mean
  /// rate in the angle over [lo, hi], so that a root search moving down in
  /// the angle can update the deficit instead of integrating it anew.
  [[nodiscard]] virtual double cross_moment_deficit_rise_per_angle(double q, double lo,
                                                                   double hi) const;

  /// d ln s / d ln q of s(q) = E[z phi(sqrt(q) z)] = E[u phi(u)] / sqrt(q),
  /// z ~ N(0, 1): at sb2 = 0 and c* = 0, chi_c = s^2 / E[phi^2], whose
  /// maximiser critical initialisation root-finds from this slope.
  [[nodiscard]] virtual double stein_log_slope(double q) const = 0;
  /// 1 - s^2 / E[phi^2] with s as above: the part of E[phi^2] that the best
  /// linear fit in z leaves, min_g E[(z - g phi)^2], hence 1 - chi_c at
  /// sb2 = 0 and c* = 0 (the depth scale of a step activation near N ~ 1e5
  /// needs it to more digits than 1 - chi_c keeps). The default subtracts;
  /// step activations sum it cell by cell without cancellation.
  [[nodiscard]] virtual double linear_residual(double q) const;
};

/// Parses an activation spec (see docs/cli.md): sign, tanh, erf, relu,
/// hardtanh, linear, gelu, silu, sigmoid, softplus, selu, leaky_relu[,a=..],
/// elu[,a=..], quant:N[,D=..][,A=..], qrelu:N[,A=..], steps:t=..:..,y=..:..
/// (or ';' between the items), lloyd:N[,S=..]; N may be written Bbit for 2^B
/// levels. Throws std::invalid_argument with a one-line reason, starting with
/// the field name "activation", on malformed input or a number outside its
/// range (the reason names the field, the value and the range).
std::unique_ptr<Activation> make_activation(const std::string& spec);

}  // namespace qmf
