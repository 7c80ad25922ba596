#include "qmf/numerics/gaussian_cell.hpp"

#include <boost/math/quadrature/gauss.hpp>
#include <cmath>

#include "qmf/numerics/gaussian.hpp"

namespace qmf {

namespace {

// Gauss-Legendre over the cell. The integrands are polynomials of degree <= 2
// times pdf(mid + s) = pdf(mid) exp(-mid s - s^2/2); an n-point rule errs by
// ~ (half (|mid| + half))^(2n) relative. Narrow cells (the bulk of a fine
// quantizer, where half (|mid| + half) <= 1e-3) take 4 points (error < 1e-20);
// wider ones a composite 10-point rule over pieces at most 0.5 wide (< 1e-20).
constexpr double narrow_cell = 1e-3;
constexpr double max_piece_width = 0.5;

template <class Rule, class F>
void for_each_rule_node(double centre, double half, double mid, F& f) {
  // Boost stores the positive abscissae of the symmetric nodes (even point
  // counts here, so no node sits at 0).
  const auto& x = Rule::abscissa();
  const auto& w = Rule::weights();
  for (std::size_t i = 0; i < x.size(); ++i)
    for (double s : {centre - half * x[i], centre + half * x[i]})
      f(s, half * w[i] * normal_pdf(mid + s));
}

// Calls f(s, weight) for nodes s (offsets from mid) whose weights, which
// include pdf(mid + s), integrate over [mid - half, mid + half].
template <class F>
void for_each_node(double mid, double half, F&& f) {
  if (half * (std::fabs(mid) + half) <= narrow_cell) {
    for_each_rule_node<boost::math::quadrature::gauss<double, 4>>(0.0, half, mid, f);
    return;
  }
  const int pieces = static_cast<int>(std::ceil(2.0 * half / max_piece_width));
  const double piece_half = half / pieces;
  for (int p = 0; p < pieces; ++p)
    for_each_rule_node<boost::math::quadrature::gauss<double, 10>>(-half + (2 * p + 1) * piece_half,
                                                                   piece_half, mid, f);
}

}  // namespace

CellMoments cell_moments(double mid, double half) {
  double mass = 0.0;
  double first = 0.0;
  for_each_node(mid, half, [&](double s, double weight) {
    mass += weight;
    first += weight * s;
  });
  // A cell beyond ~38 sd holds no representable probability; its centroid is moot.
  return {mass, mass > 0.0 ? first / mass : 0.0};
}

double cell_squared_error(double mid, double half, double offset) {
  double sum = 0.0;
  for_each_node(mid, half,
                [&](double s, double weight) { sum += weight * (s - offset) * (s - offset); });
  return sum;
}

double upper_tail_centroid(double t) { return normal_pdf(t) / normal_sf(t); }

double upper_tail_squared_error(double t, double level) {
  // With u = z - t and d = t - level: integral of (u + d)^2 pdf(t + u) over u > 0,
  // = I2 + 2 d I1 + d^2 Phi(-t), I1 = pdf(t) - t Phi(-t), I2 = (1 + t^2) Phi(-t) - t pdf(t).
  // I1 and I2 lose about log10(t^4) digits for large t; thresholds of
  // optimal quantizers stay below t ~ 9 for N <= 2^20, so at most 4 of 16 digits go.
  const double sf = normal_sf(t);
  const double pdf = normal_pdf(t);
  const double d = t - level;
  const double i1 = pdf - t * sf;
  const double i2 = (1.0 + t * t) * sf - t * pdf;
  return i2 + 2.0 * d * i1 + d * d * sf;
}

}  // namespace qmf
