// The Plackett kernel of a step activation and the correlation integrals over
// it (library-internal, used by step_activation.cpp; header-only).
//
// For phi = y_0 + sum_k h_k Theta(u - t_k), inputs of variance q and
// correlation rho, and scaled thresholds a_k = t_k / sqrt(q), Plackett's
// identity gives
//   d/drho E[phi(u1) phi(u2)] = sum_kl h_k h_l pdf2(a_k, a_l; rho)
//                             = kernel(rho) / (2 pi sqrt(1 - rho^2)),
//   kernel(rho) = sum_kl h_k h_l exp(-(a_k + a_l)^2 / (4 (1 + rho))
//                                    - (a_k - a_l)^2 / (4 (1 - rho))).
// The two exponents split the bivariate one, (a^2 + b^2 - 2 rho a b) /
// (2 (1 - rho^2)); each is <= 0, and 1 + rho and 1 - rho are passed separately
// so that neither is formed by cancellation as rho -> +-1.
#pragma once

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "activations/gaussian_runs.hpp"

namespace qmf::detail {

namespace plackett {
constexpr double two_pi = boost::math::constants::two_pi<double>();
}  // namespace plackett

class PlackettKernel {
 public:
  /// The most nodes evaluated at once (the 12-point panel rule).
  static constexpr int max_lanes = 12;

  /// Scaled thresholds a (strictly increasing) and jumps h. `uniform_staircase`
  /// says that the thresholds are equally spaced and the jumps equal (to
  /// rounding): the double sum then takes O(K) exponentials, not O(K^2).
  PlackettKernel(std::vector<double> a, std::vector<double> h, bool uniform_staircase);

  /// kernel(rho), given 1 + rho and 1 - rho.
  [[nodiscard]] double operator()(double one_plus_rho, double one_minus_rho) const;

  /// E[phi^2] - E[phi(u1) phi(u2)] for correlation c in [0, 1], by a fixed
  /// composite Gauss-Legendre rule (see the definition for why it suffices).
  [[nodiscard]] double deficit(double c) const;

  /// (1/theta) int_0^theta kernel(cos phi) dphi = 2 pi deficit(cos theta) /
  /// theta for theta in [0, pi/2]: the deficit per unit angle from rho = 1,
  /// which does not underflow where 1 - cos theta (or the deficit) does.
  [[nodiscard]] double mean_over_angle(double theta) const;

  /// The mean of kernel(cos phi) over [lo, hi] for hi/2 <= lo < hi <= pi/2:
  /// one panel of deficit()'s rule, within a panel [hi/2, hi] of it, so its
  /// error bound holds (the Bernstein ellipse of a subinterval lies inside
  /// the one of the interval), with fewer points on narrow panels whose
  /// larger ellipse keeps the same bound.
  [[nodiscard]] double panel_mean(double lo, double hi) const;

  /// The correlation integrals in the units of E[phi phi] (kernel / 2 pi):
  /// the deficit per angle (mean_over_angle), one panel of it (panel_mean),
  /// and the slope d/dc E[phi(u1) phi(u2)] at c in [0, 1) and at the angle
  /// theta = acos(c) in (0, pi/2] (1 - c never rounded to 0 first).
  [[nodiscard]] double deficit_per_angle(double theta) const {
    return mean_over_angle(theta) / plackett::two_pi;
  }
  [[nodiscard]] double deficit_rise_per_angle(double lo, double hi) const {
    return panel_mean(lo, hi) / plackett::two_pi;
  }
  [[nodiscard]] double slope(double c) const {
    if (c >= 1.0) return std::numeric_limits<double>::infinity();
    return (*this)(1.0 + c, 1.0 - c) / (plackett::two_pi * std::sqrt((1.0 - c) * (1.0 + c)));
  }
  [[nodiscard]] double slope_at_angle(double theta) const {
    const double half_sine = std::sin(0.5 * theta);
    return (*this)(1.0 + std::cos(theta), 2.0 * half_sine * half_sine) /
           (plackett::two_pi * std::sin(theta));
  }

 private:
  [[nodiscard]] double general_sum(double one_plus_rho, double one_minus_rho) const;
  /// kernel at the nodes of a panel, given 1 + rho and 1 - rho at each.
  template <int Lanes>
  [[nodiscard]] PanelValues<Lanes> at_nodes(const PanelValues<Lanes>& one_plus_rho,
                                            const PanelValues<Lanes>& one_minus_rho) const;
  template <int Lanes>
  [[nodiscard]] PanelValues<Lanes> staircase_sums(const PanelValues<Lanes>& one_plus_rho,
                                                  const PanelValues<Lanes>& one_minus_rho) const;
  template <int Points>
  [[nodiscard]] double gauss_legendre_mean(double lo, double hi) const;

  std::vector<double> a_;
  std::vector<double> h_;
  bool uniform_staircase_;
  double finest_panel_;  // deficit() halves its panels towards phi = 0 down to this width
  // The uniform staircase's spacing and squared jump.
  double spacing_ = 0.0;
  double jump_squared_ = 0.0;
  // Scratch for staircase_sums, max_lanes values per entry: the exponentials
  // over the 2K - 1 threshold sums, then the K pair sums per distance.
  std::unique_ptr<double[]> scratch_;
};

inline PlackettKernel::PlackettKernel(std::vector<double> a, std::vector<double> h,
                                      bool uniform_staircase)
    : a_(std::move(a)), h_(std::move(h)), uniform_staircase_(uniform_staircase && a_.size() > 1) {
  // The deficit integrand has two small scales near phi = 0 (see deficit()):
  // exp(-d^2 / (8 sin^2(phi/2))) for threshold distances d switches on at
  // phi ~ d, and the diagonal terms exp(-a^2 / (1 + cos phi)) are Gaussians of
  // width ~ 1/|a|. Panels are halved down to an eighth of the smaller scale.
  double scale = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < a_.size(); ++k) {
    if (k > 0) scale = std::min(scale, a_[k] - a_[k - 1]);
    if (a_[k] != 0.0) scale = std::min(scale, 1.0 / std::fabs(a_[k]));
  }
  finest_panel_ = scale / 8.0;
  if (uniform_staircase_) {
    const auto n = static_cast<double>(a_.size());
    spacing_ = (a_.back() - a_.front()) / (n - 1.0);
    double h = 0.0;
    for (double x : h_) h += x;
    h /= n;
    jump_squared_ = h * h;
    // Written before read: no initialisation.
    scratch_ = std::make_unique_for_overwrite<double[]>((3 * a_.size() - 1) * max_lanes);
  }
}

inline double PlackettKernel::operator()(double one_plus_rho, double one_minus_rho) const {
  if (!uniform_staircase_) return general_sum(one_plus_rho, one_minus_rho);
  return staircase_sums<1>(PanelValues<1>::Constant(one_plus_rho),
                           PanelValues<1>::Constant(one_minus_rho))(0);
}

template <int Lanes>
PanelValues<Lanes> PlackettKernel::at_nodes(const PanelValues<Lanes>& one_plus_rho,
                                            const PanelValues<Lanes>& one_minus_rho) const {
  if (uniform_staircase_) return staircase_sums<Lanes>(one_plus_rho, one_minus_rho);
  PanelValues<Lanes> values;
  for (int i = 0; i < Lanes; ++i) values(i) = general_sum(one_plus_rho(i), one_minus_rho(i));
  return values;
}

inline double PlackettKernel::general_sum(double one_plus_rho, double one_minus_rho) const {
  // Symmetric in (k, l): the diagonal once, the rest twice.
  const double sum_scale = -0.25 / one_plus_rho;
  const double difference_scale = -0.25 / one_minus_rho;
  double total = 0.0;
  for (std::size_t k = 0; k < a_.size(); ++k) {
    double row = 0.0;
    for (std::size_t l = k + 1; l < a_.size(); ++l) {
      const double s = a_[k] + a_[l];
      const double d = a_[l] - a_[k];
      row += h_[l] * plackett::exp_or_zero(sum_scale * s * s + difference_scale * d * d);
    }
    const double s = 2.0 * a_[k];
    total += h_[k] * (h_[k] * plackett::exp_or_zero(sum_scale * s * s) + 2.0 * row);
  }
  return total;
}

template <int Lanes>
PanelValues<Lanes> PlackettKernel::staircase_sums(const PanelValues<Lanes>& one_plus_rho,
                                                  const PanelValues<Lanes>& one_minus_rho) const {
  using Values = PanelValues<Lanes>;
  using Entry = Eigen::Map<Values>;
  // a_k = a_0 + k delta, h_k = h: the exponent of pair (k, l) depends on
  // s = k + l through A_s = exp(-(2 a_0 + s delta)^2 / (4 (1 + rho))) and on
  // j = |k - l| through B_j = exp(-(j delta)^2 / (4 (1 - rho))), so
  //   kernel = h^2 (B_0 R_0 + 2 sum_{j >= 1} B_j R_j),  R_j = sum_{i=0}^{K-1-j} A_{2i+j}.
  // R_j = R_{j+2} + A_j + A_{2K-2-j} builds every R_j from the middle out by
  // additions of positive terms (no cancellation), O(K) in all. Every
  // quantity holds one value per node.
  const int n = static_cast<int>(a_.size());
  const int sums = 2 * n - 1;
  const double delta = spacing_;
  // A_s from its vertex outwards; a staircase symmetric about 0 (the uniform
  // quantizer) has its vertex at 0 in the middle, and A mirrors there.
  const Values sum_scale = 0.25 / one_plus_rho;
  const double x0 = 2.0 * a_.front();
  const int vertex = std::clamp(static_cast<int>(std::lround(-x0 / delta)), 0, sums - 1);
  const double x_vertex = x0 + vertex * delta;
  auto A = [&](int s) { return Entry(scratch_.get() + s * Lanes); };
  gaussian_runs<Lanes>(sum_scale, x_vertex, delta, sums - vertex,
                       [&](int i, const Values& value) { A(vertex + i) = value; });
  if (2 * vertex == sums - 1 &&
      std::fabs(x_vertex) <= 4.0 * std::numeric_limits<double>::epsilon() * std::fabs(x0)) {
    for (int s = 0; s < vertex; ++s) A(s) = A(sums - 1 - s);
  } else {
    gaussian_runs<Lanes>(sum_scale, x_vertex, -delta, vertex + 1,
                         [&](int i, const Values& value) { A(vertex - i) = value; });
  }
  auto R = [&](int j) { return Entry(scratch_.get() + (sums + j) * Lanes); };
  R(n - 1) = A(n - 1);
  R(n - 2) = A(n - 2) + A(n);
  for (int j = n - 3; j >= 0; --j) R(j) = R(j + 2) + A(j) + A(2 * n - 2 - j);
  Values total = R(0);
  // Near rho = 1 already B_1 R_j (R_j <= max(R_0, R_1)) cannot reach the
  // last bit of the sum at any node: skip the run's exponentials.
  // (Capped: where 1 - rho underflows to 0 at some node, B_j = 0 for j >= 1
  // without an inf * 0 at x = 0.)
  const Values difference_scale = (0.25 / one_minus_rho).min(std::numeric_limits<double>::max());
  const Values first = plackett::exp_or_zero<Lanes>(-delta * delta * difference_scale);
  if ((first * R(0).max(R(1)) * n < 0x1p-60 * total).all()) return jump_squared_ * total;
  gaussian_runs<Lanes>(difference_scale, 0.0, delta, n, [&](int j, const Values& value) {
    if (j > 0) total += 2.0 * value * R(j);
  });
  return jump_squared_ * total;
}

// The mean of kernel(cos phi) over [lo, hi] (the weights sum to 2): the
// panel's width is applied by the caller, relative to the whole interval, so
// that nothing underflows when the interval is tiny.
template <int Points>
inline double PlackettKernel::gauss_legendre_mean(double lo, double hi) const {
  static_assert(Points % 2 == 0 && Points <= max_lanes, "an even rule within the scratch");
  using rule = boost::math::quadrature::gauss<double, Points>;
  const auto& x = rule::abscissa();  // the positive nodes of the symmetric rule
  const auto& w = rule::weights();
  const double mid = 0.5 * (lo + hi);
  const double half = 0.5 * (hi - lo);
  // kernel(cos phi) at the nodes mid -+ half x_i, with 1 - cos phi =
  // 2 sin^2(phi/2) (no cancellation) and 1 + cos phi = 2 cos^2(phi/2).
  PanelValues<Points> one_plus;
  PanelValues<Points> one_minus;
  for (int i = 0; i < Points; ++i) {
    const double phi = i % 2 == 0 ? mid - half * x[i / 2] : mid + half * x[i / 2];
    const double half_sine = std::sin(0.5 * phi);
    const double half_cosine = std::cos(0.5 * phi);
    one_plus(i) = 2.0 * half_cosine * half_cosine;
    one_minus(i) = 2.0 * half_sine * half_sine;
  }
  const PanelValues<Points> kernel = at_nodes<Points>(one_plus, one_minus);
  // The mean over [lo, hi] (the weights sum to 2): the panel's width is
  // applied by the caller, relative to the whole interval, so that nothing
  // underflows when the interval is tiny.
  double sum = 0.0;
  for (int i = 0; i < Points; i += 2) sum += w[i / 2] * (kernel(i) + kernel(i + 1));
  return 0.5 * sum;
}

inline double PlackettKernel::panel_mean(double lo, double hi) const {
  // deficit() below bounds the kernel on the sector |Im phi| < Re phi (for
  // small phi), which holds the disc of radius mid / sqrt(2) about a panel's
  // midpoint, i.e. the Bernstein ellipse of parameter rho ~ sqrt(2) mid /
  // half-width. The n-point rule's error falls like rho^(-2n); [hi/2, hi] has
  // rho = 3 sqrt(2) and 12 points, so n >= 12 ln(3 sqrt(2)) / ln(rho) points
  // keep that bound on a narrower panel (Newton's last steps in the angle
  // add panels of relative width 1e-3 and below: 4 points, then 2).
  const double rho = std::sqrt(2.0) * (hi + lo) / (hi - lo);
  const double points = 12.0 * std::log(3.0 * std::sqrt(2.0)) / std::log(rho);
  if (points <= 2.0) return gauss_legendre_mean<2>(lo, hi);
  if (points <= 4.0) return gauss_legendre_mean<4>(lo, hi);
  if (points <= 6.0) return gauss_legendre_mean<6>(lo, hi);
  if (points <= 8.0) return gauss_legendre_mean<8>(lo, hi);
  return gauss_legendre_mean<12>(lo, hi);
}

inline double PlackettKernel::deficit(double c) const {
  // deficit(c) = (1/2pi) int_0^acos(c) kernel(cos phi) dphi, phi the angle
  // from rho = 1 (Plackett's theta-integral from asin(c) to pi/2). Why a fixed
  // rule is enough: every term of the kernel is analytic for phi in (0, pi/2],
  // and bounded by |h_k h_l| wherever Re(1 + cos phi) > 0 and
  // Re(1 / sin^2(phi/2)) > 0, a region that contains the Bernstein ellipse
  // with parameter ~4 of each panel [phi/2, phi]. So on halved panels the
  // 12-point Gauss-Legendre error is ~4^-24 sum |h_k h_l| times the panel
  // width, whatever the threshold distances d. The off-diagonal terms, exp(-d^2 / (8
  // sin^2(phi/2))), are not analytic at phi = 0, but below d/8 they are < exp(-32) (1e-14) of their
  // size, and the diagonal ones, exp(-a^2 / (1 + cos phi)), are flat below 1/(8|a|): one panel [0,
  // finest] closes the rule. Checked against an over-refined long-double reference in
  // tests/test_step_activation_fast.cpp.
  const double phi0 = std::acos(std::clamp(c, 0.0, 1.0));
  return phi0 * mean_over_angle(phi0) / plackett::two_pi;
}

inline double PlackettKernel::mean_over_angle(double theta) const {
  // The panels of deficit(): [theta/2, theta], [theta/4, theta/2], ... down
  // to the finest, each weighted by its share of [0, theta].
  double total = 0.0;
  double hi = theta;
  double share = 1.0;
  while (hi > finest_panel_) {
    share *= 0.5;
    total += share * gauss_legendre_mean<12>(0.5 * hi, hi);
    hi *= 0.5;
  }
  return total + share * gauss_legendre_mean<12>(0.0, hi);
}

}  // namespace qmf::detail
