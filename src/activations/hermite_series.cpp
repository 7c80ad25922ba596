#include "activations/hermite_series.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/avx2_clones.hpp"

namespace qmf::detail {

namespace {
// (2 pi)^(-1/4): psi_0(z) = (2 pi)^(-1/4) exp(-z^2/4).
constexpr double psi_0_scale = 0.6316187777460647;
// The Parseval checks: sum a_n^2 against E[phi^2] and sum n a_n^2 against
// q E[phi'^2], both by adaptive quadrature to ~1e-14 relative. What the
// truncated sums miss is below this fraction of them (the phase diagram's
// goal; tanh's series pass at 1e-16 to 4e-13).
constexpr double parseval_tolerance = 1e-12;
// The series stops early where both Parseval sums already agree with their
// totals to this fraction, a few ulps: an entire phi such as gelu or softplus
// gets there with a quarter of the terms tanh needs at the same q. Where the
// totals' quadrature is less accurate than this, the series runs its full
// length as before.
constexpr double converged_tolerance = 2e-15;
// Refinements before the series is given up (the caller then integrates in
// two dimensions): each halves the step and doubles the terms.
constexpr int max_refinements = 2;
constexpr int max_terms = 8000;
// Advances the Hermite functions at every node from n to n + 1,
// psi_(n+1) = z a psi_n - b psi_(n-1), and returns the coefficient of n, the
// sum of part psi_n over the nodes. The nodes are independent (vectorisable);
// the sum runs in four partial sums of the nodes j = 0, 1, 2, 3 mod 4, added
// in a fixed order, so every copy gives the same bits.
QMF_AVX2_CLONES double recurrence_step(const double* part, const double* z, double* previous,
                                       double* current, std::size_t count, double a, double b) {
  double sums[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t j = 0;
  for (; j + 4 <= count; j += 4)
    for (std::size_t k = 0; k < 4; ++k) {
      sums[k] += part[j + k] * current[j + k];
      const double next = z[j + k] * a * current[j + k] - b * previous[j + k];
      previous[j + k] = current[j + k];
      current[j + k] = next;
    }
  for (; j < count; ++j) {
    sums[j & 3] += part[j] * current[j];
    const double next = z[j] * a * current[j] - b * previous[j];
    previous[j] = current[j];
    current[j] = next;
  }
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

}  // namespace

HermiteSeries::HermiteSeries(const Activation& phi, double q) {
  // The coefficients of a phi analytic in the strip |Im u| < D decay like
  // exp(-d sqrt(8n)) with d = D / sqrt(q) (tanh: D = pi/2), so the terms
  // needed grow like q / D^2: 120 q + 60 reach 1e-16 of the sum for tanh. The
  // trapezoidal rule on z = j h converges like exp(-d (2 pi / h - k)) for
  // integrands oscillating at up to k ~ sqrt(n) (the Hermite functions):
  // h = 0.12 / sqrt(q) keeps that below exp(-40) for tanh. Both are set for
  // tanh at the q that has tanh's d: softplus (D = pi) at q = 200 is tanh at
  // q = 50.
  const double tanh_strip = 1.5707963267948966;
  const double strip_ratio = tanh_strip / phi.analytic_strip();
  const double scale = std::max(q, 1.0) * strip_ratio * strip_ratio;
  double step = 0.12 / std::sqrt(scale);
  // Beyond max_terms (tanh: q above ~67) the series is not certified and the caller
  // integrates; the count itself would overflow an int at q ~ 2e7.
  const double needed = std::ceil(120.0 * scale) + 60.0;
  if (needed > max_terms) return;
  int terms = static_cast<int>(needed);
  for (int r = 0; r <= max_refinements && terms <= max_terms; ++r) {
    if (compute(phi, q, step, terms)) return;
    step *= 0.5;
    terms *= 2;
  }
}

bool HermiteSeries::compute(const Activation& phi, double q, double step, int terms) {
  // a_n = int phi(sqrt(q) z) psi_n(z) sqrt(pdf(z)) dz with the orthonormal
  // Hermite functions psi_n = He_n sqrt(pdf / n!), from their three-term
  // recurrence (stable, |psi_n| <= 1). Nodes +-z together: psi_n(-z) =
  // (-1)^n psi_n(z). The Hermite functions up to n live in |z| < sqrt(4n + 2);
  // 12 more carry them below exp(-36) of their peak.
  const double root_q = std::sqrt(q);
  const double reach = std::sqrt(4.0 * terms + 2.0) + 12.0;
  const int nodes = static_cast<int>(std::ceil(reach / step));
  // psi_(n+1) = z psi_n / sqrt(n + 1) - sqrt(n / (n + 1)) psi_(n-1).
  std::vector<double> inverse_root(static_cast<std::size_t>(terms) + 1);
  std::vector<double> ratio(static_cast<std::size_t>(terms) + 1);
  for (int n = 0; n <= terms; ++n) {
    inverse_root[n] = 1.0 / std::sqrt(n + 1.0);
    ratio[n] = std::sqrt(n / (n + 1.0));
  }
  // The recurrence runs for all nodes at once (independent, vectorisable),
  // n by n; even n take the even part of phi, odd n the odd part.
  std::vector<double> z, even, odd, previous, current;
  for (int j = 0; j <= nodes; ++j) {
    const double x = j * step;
    const double psi_0 = psi_0_scale * std::exp(-0.25 * x * x);
    const double weight = (j == 0 ? 0.5 : 1.0) * step * psi_0;
    if (weight == 0.0) break;
    const double f_plus = phi.value(root_q * x);
    const double f_minus = phi.value(-root_q * x);
    z.push_back(x);
    even.push_back(weight * (f_plus + f_minus));
    odd.push_back(weight * (f_plus - f_minus));
    previous.push_back(0.0);
    current.push_back(psi_0);
  }
  std::vector<double> coefficients(static_cast<std::size_t>(terms) + 1, 0.0);
  const std::size_t count = current.size();
  const double second = phi.second_moment(q);
  const double derivative = q * phi.derivative_second_moment(q);
  double partial = 0.0;
  double partial_weighted = 0.0;
  for (int n = 0; n <= terms; ++n) {
    const double* part = (n & 1) ? odd.data() : even.data();
    coefficients[n] = recurrence_step(part, z.data(), previous.data(), current.data(), count,
                                      inverse_root[n], ratio[n]);
    const double square = coefficients[n] * coefficients[n];
    partial += square;
    partial_weighted += n * square;
    // The partial sums only grow towards their totals: once both agree with
    // them to converged_tolerance, the remaining terms add at most that
    // fraction and the totals' own quadrature error.
    if (std::fabs(second - partial) <= converged_tolerance * second &&
        std::fabs(derivative - partial_weighted) <= converged_tolerance * derivative) {
      coefficients.resize(static_cast<std::size_t>(n) + 1);
      break;
    }
  }
  squares_.resize(coefficients.size());
  double sum = 0.0;
  double weighted = 0.0;
  for (std::size_t n = 0; n < coefficients.size(); ++n) {
    squares_[n] = coefficients[n] * coefficients[n];
    sum += squares_[n];
    weighted += static_cast<double>(n) * squares_[n];
  }
  certified_ = std::fabs(sum - second) <= parseval_tolerance * second &&
               std::fabs(weighted - derivative) <= parseval_tolerance * derivative;
  return certified_;
}

double HermiteSeries::deficit(double c) const {
  // 1 - c^n = (1 - c) s_n, s_n = 1 + c + ... + c^(n-1) = c s_(n-1) + 1: sums
  // of positive terms, good to ~n ulp, with 1 - c exact for c >= 1/2.
  const double d = 1.0 - c;
  double s = 0.0;
  double sum = 0.0;
  for (std::size_t n = 1; n < squares_.size(); ++n) {
    s = c * s + 1.0;
    sum += squares_[n] * s;
  }
  return d * sum;
}

double HermiteSeries::cross(double c) const {
  double sum = 0.0;  // Horner from the highest term
  for (std::size_t n = squares_.size(); n-- > 0;) sum = sum * c + squares_[n];
  return sum;
}

double HermiteSeries::slope(double c) const {
  double power = 1.0;
  double sum = 0.0;
  for (std::size_t n = 1; n < squares_.size(); ++n) {
    sum += static_cast<double>(n) * squares_[n] * power;
    power *= c;
  }
  return sum;
}

}  // namespace qmf::detail
