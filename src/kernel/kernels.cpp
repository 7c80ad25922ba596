#include "qmf/kernel/kernels.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernel/grid_moments.hpp"
#include "numerics/format_number.hpp"
#include "qmf/errors.hpp"

namespace qmf {

namespace {

void check_inputs(const Initialization& init, double q0, int depth) {
  validate(init);
  if (!(std::isfinite(q0) && q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " +
                                detail::format_number(q0) + ")");
  if (depth < 1)
    throw std::invalid_argument("depth must be at least 1 (got " + std::to_string(depth) + ")");
}

// Every cosine at once, layer by layer: the first dense layer on the input
// kernel, then depth - 1 layers of Elementwise(phi) and Dense whose NTK factor
// comes from `derivative` rather than from phi'. Equal norms share q at every
// layer. Each pair keeps three forms of its covariance q12, each exact where
// the others lose digits: the half squared distance gap = q - q12, from which
// its angle is taken as c -> 1 without rounding 1 - c (docs/kernels.md); q12
// itself as c -> 0 (deep in the chaotic phase of an odd phi at sb2 = 0,
// q12 / q falls like (2/pi)^depth for sign); and, for an odd phi, the half
// squared sum q + q12 as c -> -1, where the pair is the reflection of one at
// -c (E[phi(u1) phi(u2)] is odd in c): an antipodal pair stays antipodal at
// sb2 = 0 as a pair at c = 1 stays at 1, though both fixed points repel in
// the chaotic phase.
std::vector<KernelValues> kernels_by_layer(const Activation& phi, const Initialization& init,
                                           double q0, std::span<const double> t, int depth,
                                           const DerivativeKernel& derivative,
                                           const Interrupt& interrupt) {
  const double sw2 = init.sw2, sb2 = init.sb2;
  double q = sw2 * q0 + sb2;
  std::vector<double> gap, cross, sum, ntk, angle(t.size()), cosine(t.size());
  std::vector<char> reflected(t.size());
  for (const double x : t) {
    gap.push_back(sw2 * q0 * (1.0 - x));
    cross.push_back(sw2 * q0 * x + sb2);
    sum.push_back(sw2 * q0 * (1.0 + x) + 2.0 * sb2);
    ntk.push_back(cross.back());
  }
  int points = 64;  // Chebyshev points, passed from layer to layer
  // phi' of a smooth activation with a fast Hermite series: E[phi'(u1)
  // phi'(u2)] = (d/dc E[phi(u1) phi(u2)]) / q from the layer's series (Price),
  // not a 2-D quadrature per cosine.
  const bool series_slopes =
      derivative.kind() == DerivativeKind::true_derivative && phi.has_fast_hermite_series();
  for (int l = 2; l <= depth; ++l) {
    interrupt.poll();
    // Each pair's angle and cosine, those of its reflection where reflected.
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double c = cross[i] / q;
      reflected[i] = phi.is_odd() && c < -0.5;
      cosine[i] = reflected[i] ? -c : c;
      angle[i] = std::fabs(c) <= 0.5 ? std::acos(c)
                 : reflected[i]      ? detail::pair_angle(sum[i], q)
                                     : detail::pair_angle(gap[i], q);
    }
    const auto moments = detail::pair_moments(phi, q, angle, cosine, points, series_slopes);
    const double square = phi.second_moment(q);
    const double next_q = sw2 * square + sb2;
    for (std::size_t i = 0; i < t.size(); ++i) {
      // Reflected: E[phi phi](c) = -E[phi phi](-c), and its deficit at -c is
      // E[phi^2] + E[phi phi](c), the pair's half squared sum.
      const double sign = reflected[i] ? -1.0 : 1.0;
      const double pair = sign * moments.cross[i];
      // The derivative kernel from the angle, exact at its cusp as c -> 1.
      const double g = series_slopes  ? moments.slope[i] / q
                       : reflected[i] ? derivative.cross_moment(q, q, -std::cos(angle[i]))
                                      : derivative.cross_moment_at_angle(q, angle[i]);
      gap[i] = sw2 * (reflected[i] ? 2.0 * square - moments.deficit[i] : moments.deficit[i]);
      cross[i] = sw2 * pair + sb2;
      sum[i] = reflected[i] ? sw2 * moments.deficit[i] + 2.0 * sb2 : next_q + cross[i];
      ntk[i] = cross[i] + sw2 * g * ntk[i];
    }
    q = next_q;
    // A length map that grows (or shrinks) without bound leaves the doubles:
    // say so at the layer where it happens rather than return inf or NaN.
    if (!(std::isfinite(q) && q > 0.0))
      throw numerical_error("the kernel leaves double precision at layer " + std::to_string(l) +
                            " (q = " + detail::format_number(q) +
                            "): the length map over- or underflows");
  }
  std::vector<KernelValues> values;
  values.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) values.push_back({cross[i], ntk[i]});
  return values;
}

}  // namespace

std::vector<KernelValues> kernel_on_grid(const Activation& phi, const Initialization& init,
                                         double q0, std::span<const double> t_values, int depth,
                                         const DerivativeKernel& derivative,
                                         const Interrupt& interrupt) {
  check_inputs(init, q0, depth);
  for (const double t : t_values)
    if (!(t >= -1.0 && t <= 1.0))
      throw std::invalid_argument("t must lie in [-1, 1] (got " + detail::format_number(t) + ")");
  return kernels_by_layer(phi, init, q0, t_values, depth, derivative, interrupt);
}

KernelValues kernel_on_diagonal(const Activation& phi, const Initialization& init, double q0,
                                int depth, const DerivativeKernel& derivative) {
  const double one = 1.0;
  return kernel_on_grid(phi, init, q0, std::span(&one, 1), depth, derivative).front();
}

std::vector<double> cosine_grid(int n) {
  if (n < 2)
    throw std::invalid_argument("t_points must be at least 2 (got " + std::to_string(n) + ")");
  std::vector<double> t(n);
  for (int i = 0; i < n; ++i) t[i] = -1.0 + 2.0 * i / (n - 1);
  t.back() = 1.0;
  return t;
}

}  // namespace qmf
