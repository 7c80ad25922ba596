#include "qmf/activations/step_activation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace qmf {

namespace {

// The uniform-staircase test of the constructor: equal spacing and equal jumps
// up to a few ulps of the largest threshold and level, the rounding with
// which make_uniform_quantizer (or a user's list) produces them.
constexpr double uniform_tolerance_ulps = 8.0;

bool equally_spaced(const std::vector<double>& x, double tolerance) {
  const double step = (x.back() - x.front()) / static_cast<double>(x.size() - 1);
  for (std::size_t k = 0; k < x.size(); ++k)
    if (std::fabs(x[k] - (x.front() + static_cast<double>(k) * step)) > tolerance) return false;
  return true;
}

bool all_equal(const std::vector<double>& x, double tolerance) {
  for (double v : x)
    if (std::fabs(v - x.front()) > tolerance) return false;
  return true;
}

double largest_magnitude(const std::vector<double>& x) {
  double largest = 0.0;
  for (double v : x) largest = std::max(largest, std::fabs(v));
  return largest;
}

// x_k = -x_(n-1-k) for every k, up to `tolerance`.
bool antisymmetric(const std::vector<double>& x, double tolerance) {
  for (std::size_t k = 0; k < x.size(); ++k)
    if (std::fabs(x[k] + x[x.size() - 1 - k]) > tolerance) return false;
  return true;
}

// The factories' arguments; the spec parser (activation_spec.cpp) checks its
// own first and names the spec.
void require_levels(int levels, const char* family) {
  if (levels < 2)
    throw std::invalid_argument(std::string("N must be >= 2 for ") + family + ":N (got " +
                                std::to_string(levels) + ")");
}

void require_positive(double value, const char* field, const char* what) {
  if (!(value > 0.0) || !std::isfinite(value))
    throw std::invalid_argument(std::string(field) + " (" + what +
                                ") must be a positive finite number (got " +
                                detail::format_number(value) + ")");
}

}  // namespace

StepActivation::StepActivation(std::vector<double> thresholds, std::vector<double> levels,
                               std::string name)
    : thresholds_(std::move(thresholds)), levels_(std::move(levels)), name_(std::move(name)) {
  if (thresholds_.empty())
    throw std::invalid_argument("a step activation needs at least one threshold");
  if (levels_.size() != thresholds_.size() + 1)
    throw std::invalid_argument("a step activation with K thresholds needs K+1 levels (got " +
                                std::to_string(thresholds_.size()) + " thresholds, " +
                                std::to_string(levels_.size()) + " levels)");
  for (double t : thresholds_)
    if (!std::isfinite(t)) throw std::invalid_argument("thresholds must be finite");
  for (double y : levels_)
    if (!std::isfinite(y)) throw std::invalid_argument("levels must be finite");
  for (std::size_t k = 1; k < thresholds_.size(); ++k)
    if (!(thresholds_[k - 1] < thresholds_[k]))
      throw std::invalid_argument(
          "thresholds must be strictly increasing (t" + std::to_string(k + 1) + " = " +
          detail::format_number(thresholds_[k]) + " follows t" + std::to_string(k) + " = " +
          detail::format_number(thresholds_[k - 1]) + ")");
  jumps_.resize(thresholds_.size());
  for (std::size_t k = 0; k < thresholds_.size(); ++k) jumps_[k] = levels_[k + 1] - levels_[k];
  // A constant phi maps every pair of inputs to the same output: no signal
  // propagates, and chi_c = 0 would be a statement about nothing.
  if (std::all_of(jumps_.begin(), jumps_.end(), [](double h) { return h == 0.0; }))
    throw std::invalid_argument(
        "a step activation needs two different levels (all equal: phi is constant)");
  const double eps = std::numeric_limits<double>::epsilon();
  uniform_staircase_ =
      thresholds_.size() > 1 &&
      equally_spaced(thresholds_, uniform_tolerance_ulps * eps * largest_magnitude(thresholds_)) &&
      all_equal(jumps_, uniform_tolerance_ulps * eps * largest_magnitude(levels_));
  odd_ =
      antisymmetric(thresholds_, uniform_tolerance_ulps * eps * largest_magnitude(thresholds_)) &&
      antisymmetric(levels_, uniform_tolerance_ulps * eps * largest_magnitude(levels_));
}

std::vector<double> StepActivation::scaled_thresholds(double q) const {
  const double scale = 1.0 / std::sqrt(q);
  std::vector<double> a(thresholds_.size());
  for (std::size_t k = 0; k < a.size(); ++k) a[k] = thresholds_[k] * scale;
  return a;
}

double StepActivation::central_spacing() const {
  const std::size_t k = thresholds_.size() / 2;
  if (thresholds_.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  return thresholds_[k] - thresholds_[k - 1];
}

double StepActivation::cross_moment_cost() const {
  const auto k = static_cast<double>(thresholds_.size());
  return uniform_staircase_ ? k : k * k;
}

double StepActivation::bound() const {
  double sup = 0.0;
  for (double y : levels_) sup = std::max(sup, std::fabs(y));
  return sup;
}

double StepActivation::value(double x) const {
  const auto above = std::upper_bound(thresholds_.begin(), thresholds_.end(), x);
  return levels_[static_cast<std::size_t>(above - thresholds_.begin())];
}

double StepActivation::mean(double q) const {
  const auto a = scaled_thresholds(q);
  double m = levels_.front();
  for (std::size_t k = 0; k < a.size(); ++k) m += jumps_[k] * normal_sf(a[k]);
  return m;
}

double StepActivation::second_moment(double q) const {
  // Summed by parts from the cell that holds u = 0: y_c^2 plus, for each
  // threshold, the change of phi^2 across it times the probability of the
  // side away from 0, Phi(-|a_k|) (one erfc per threshold, no cell
  // difference). When phi^2 grows away from 0 every term is positive; when it
  // does not, the terms can cancel, and then (magnitudes more than 16 times
  // the sum, rounding beyond ~1e-14 relative) the cells are integrated.
  const double scale = 1.0 / std::sqrt(q);
  const auto centre = static_cast<std::size_t>(
      std::lower_bound(thresholds_.begin(), thresholds_.end(), 0.0) - thresholds_.begin());
  const double y_centre = levels_[centre];
  double sum = y_centre * y_centre;
  double magnitude = sum;
  for (std::size_t k = 0; k < thresholds_.size(); ++k) {
    const double inner = k < centre ? levels_[k + 1] : levels_[k];
    const double outer = k < centre ? levels_[k] : levels_[k + 1];
    const double term =
        (outer * outer - inner * inner) * normal_sf(std::fabs(thresholds_[k]) * scale);
    sum += term;
    magnitude += std::fabs(term);
  }
  return magnitude <= 16.0 * sum ? sum : second_moment_by_cells(q);
}

double StepActivation::second_moment_by_cells(double q) const {
  const auto a = scaled_thresholds(q);
  const double inf = std::numeric_limits<double>::infinity();
  double sum = 0.0;
  for (std::size_t m = 0; m < levels_.size(); ++m) {
    const double lo = m == 0 ? -inf : a[m - 1];
    const double hi = m == a.size() ? inf : a[m];
    sum += levels_[m] * levels_[m] * normal_interval(lo, hi);
  }
  return sum;
}

double StepActivation::second_moment_slope(double q) const {
  // d/dq of sum_m y_m^2 P(a_m < z < a_(m+1)) with a = t / sqrt(q), da/dq = -a/(2q).
  const auto a = scaled_thresholds(q);
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    sum += (levels_[k + 1] * levels_[k + 1] - levels_[k] * levels_[k]) * a[k] * normal_pdf(a[k]);
  return sum / (2.0 * q);
}

double StepActivation::derivative_second_moment(double /*q*/) const {
  return std::numeric_limits<double>::infinity();
}

double StepActivation::cross_moment(double q, double c) const {
  // phi = y_0 + sum_k h_k Theta(u - t_k): the product expands into orthant
  // probabilities, symmetric in (k, l).
  const auto a = scaled_thresholds(q);
  const double y0 = levels_.front();
  double linear = 0.0;
  double quadratic = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    linear += jumps_[k] * normal_sf(a[k]);
    quadratic += jumps_[k] * jumps_[k] * bivariate_normal_upper(a[k], a[k], c);
    for (std::size_t l = k + 1; l < a.size(); ++l)
      quadratic += 2.0 * jumps_[k] * jumps_[l] * bivariate_normal_upper(a[k], a[l], c);
  }
  return y0 * y0 + 2.0 * y0 * linear + quadratic;
}

double StepActivation::cross_moment_unequal(double q1, double q2, double c) const {
  if (q1 == q2) return cross_moment(q1, c);
  // The same orthant expansion as cross_moment, with each input's thresholds
  // in units of its own standard deviation: no (k, l) symmetry left.
  const auto a = scaled_thresholds(q1);
  const auto b = scaled_thresholds(q2);
  const double y0 = levels_.front();
  double linear = 0.0;
  double quadratic = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    linear += jumps_[k] * (normal_sf(a[k]) + normal_sf(b[k]));
    for (std::size_t l = 0; l < b.size(); ++l)
      quadratic += jumps_[k] * jumps_[l] * bivariate_normal_upper(a[k], b[l], c);
  }
  return y0 * y0 + y0 * linear + quadratic;
}

// E[u phi(u)] = sqrt(q) sum_k h_k pdf(a_k), a_k = t_k / sqrt(q).
double StepActivation::input_moment(double q) const {
  const auto a = scaled_thresholds(q);
  double density_sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) density_sum += jumps_[k] * normal_pdf(a[k]);
  return std::sqrt(q) * density_sum;
}

// s = sum_k h_k pdf(a_k): d ln s / d ln q = sum_k h_k a_k^2 pdf(a_k) / (2 sum_k h_k pdf(a_k)).
double StepActivation::stein_log_slope(double q) const {
  const auto a = scaled_thresholds(q);
  double density_sum = 0.0;
  double weighted_sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double term = jumps_[k] * normal_pdf(a[k]);
    density_sum += term;
    weighted_sum += term * a[k] * a[k];
  }
  return 0.5 * weighted_sum / density_sum;
}

// With the best gain g = s / E[phi^2], E[(z - g phi)^2] = 1 - s^2 / E[phi^2]:
// the mean-squared error of the quantizer with thresholds a_k and levels
// g y_m, a sum of positive cells. It is stationary in g, so the rounding of
// g costs nothing to first order.
double StepActivation::linear_residual(double q) const {
  const double s = input_moment(q) / std::sqrt(q);
  const double gain = s / second_moment(q);
  ScalarQuantizer scaled{scaled_thresholds(q), levels_};
  for (double& y : scaled.levels) y *= gain;
  return quantizer_mse(scaled);
}

bool StepActivation::square_grows_outward() const {
  for (std::size_t k = 0; k < thresholds_.size(); ++k) {
    const double inner = thresholds_[k] > 0.0 ? levels_[k] : levels_[k + 1];
    const double outer = thresholds_[k] > 0.0 ? levels_[k + 1] : levels_[k];
    if (thresholds_[k] != 0.0 && outer * outer < inner * inner) return false;
  }
  return true;
}

std::unique_ptr<StepActivation> make_uniform_quantizer(int levels, double amplitude,
                                                       double spacing) {
  require_levels(levels, "quant");
  require_positive(amplitude, "A", "quantizer amplitude");
  if (spacing == 0.0) spacing = 2.0 * amplitude / (levels - 1);
  require_positive(spacing, "D", "quantizer spacing");
  std::vector<double> y(static_cast<std::size_t>(levels));
  std::vector<double> t(static_cast<std::size_t>(levels - 1));
  for (int m = 0; m < levels; ++m) y[m] = -amplitude + 2.0 * amplitude * m / (levels - 1);
  for (int k = 1; k < levels; ++k) t[k - 1] = spacing * (k - 0.5 * levels);
  const std::string name = "quant:" + std::to_string(levels) +
                           ",A=" + detail::format_number(amplitude) +
                           ",D=" + detail::format_number(spacing);
  return std::make_unique<StepActivation>(std::move(t), std::move(y), name);
}

std::unique_ptr<StepActivation> make_quantized_relu(int levels, double amplitude) {
  require_levels(levels, "qrelu");
  require_positive(amplitude, "A", "qrelu amplitude");
  const double spacing = amplitude / (levels - 1);
  std::vector<double> y(static_cast<std::size_t>(levels));
  std::vector<double> t(static_cast<std::size_t>(levels - 1));
  // The top level is A itself, not (N-1) times the rounded spacing.
  for (int m = 0; m < levels; ++m) y[m] = amplitude * m / (levels - 1);
  for (int k = 1; k < levels; ++k) t[k - 1] = spacing * (k - 0.5);
  return std::make_unique<StepActivation>(
      std::move(t), std::move(y),
      "qrelu:" + std::to_string(levels) + ",A=" + detail::format_number(amplitude));
}

}  // namespace qmf
