#include "qmf/step_activation.hpp"

#include "adaptive_gauss_kronrod.hpp"
#include "qmf/gaussian.hpp"

#include <boost/math/constants/constants.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace qmf {

namespace {
constexpr double pi = boost::math::constants::pi<double>();
constexpr double half_pi = boost::math::constants::half_pi<double>();

// Below this distance from c = 1 the deficit E[phi^2] - E[phi phi](c) is
// integrated directly instead of taken as a difference of two O(1) numbers.
constexpr double deficit_direct_below = 0.25;

// sum_{k,l} h_k h_l pdf2(a_k, a_l; sin theta) cos theta, the Plackett integrand
// in theta = asin(rho). The exponent is written as (a-b)^2/(2 cos^2) + ab/(1+sin)
// so that it stays accurate as theta -> pi/2, where cos -> 0.
double plackett_integrand(const std::vector<double>& a, const std::vector<double>& h,
                          double theta) {
  const double s = std::sin(theta);
  const double cos2 = std::cos(theta) * std::cos(theta);
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    double row = 0.0;
    for (std::size_t l = 0; l < a.size(); ++l) {
      const double d = a[k] - a[l];
      const double quadratic = d == 0.0 ? 0.0 : d * d / (2.0 * cos2);
      row += h[l] * std::exp(-quadratic - a[k] * a[l] / (1.0 + s));
    }
    sum += h[k] * row;
  }
  return sum / (2.0 * pi);
}

double plackett_integral(const std::vector<double>& a, const std::vector<double>& h,
                         double theta0, double theta1) {
  if (theta1 <= theta0) return 0.0;
  return detail::adaptive_gauss_kronrod([&](double t) { return plackett_integrand(a, h, t); },
                                       theta0, theta1, 1e-13, 20);
}

std::string format_double(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}
}  // namespace

StepActivation::StepActivation(std::vector<double> thresholds, std::vector<double> levels,
                               std::string name)
    : thresholds_(std::move(thresholds)), levels_(std::move(levels)), name_(std::move(name)) {
  if (thresholds_.empty()) throw std::invalid_argument("a step activation needs at least one threshold");
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
      throw std::invalid_argument("thresholds must be strictly increasing");
  jumps_.resize(thresholds_.size());
  for (std::size_t k = 0; k < thresholds_.size(); ++k) jumps_[k] = levels_[k + 1] - levels_[k];
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

double StepActivation::cross_moment_plackett(double q, double c) const {
  const double m = mean(q);
  return m * m + plackett_integral(scaled_thresholds(q), jumps_, 0.0, std::asin(std::clamp(c, -1.0, 1.0)));
}

double StepActivation::cross_moment_deficit(double q, double c) const {
  if (1.0 - c > deficit_direct_below) return second_moment(q) - cross_moment(q, c);
  return plackett_integral(scaled_thresholds(q), jumps_, std::asin(c), half_pi);
}

double StepActivation::cross_moment_slope(double q, double c) const {
  if (c >= 1.0) return std::numeric_limits<double>::infinity();
  const auto a = scaled_thresholds(q);
  double sum = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    for (std::size_t l = 0; l < a.size(); ++l)
      sum += jumps_[k] * jumps_[l] * bivariate_normal_pdf(a[k], a[l], c);
  return sum;
}

std::unique_ptr<StepActivation> make_uniform_quantizer(int levels, double amplitude,
                                                       double spacing) {
  if (levels < 2) throw std::invalid_argument("quant:N needs N >= 2 levels");
  if (!(amplitude > 0.0) || !std::isfinite(amplitude))
    throw std::invalid_argument("quantizer amplitude A must be positive and finite");
  if (spacing == 0.0) spacing = 2.0 * amplitude / (levels - 1);
  if (!(spacing > 0.0) || !std::isfinite(spacing))
    throw std::invalid_argument("quantizer spacing D must be positive and finite");
  std::vector<double> y(static_cast<std::size_t>(levels));
  std::vector<double> t(static_cast<std::size_t>(levels - 1));
  for (int m = 0; m < levels; ++m) y[m] = -amplitude + 2.0 * amplitude * m / (levels - 1);
  for (int k = 1; k < levels; ++k) t[k - 1] = spacing * (k - 0.5 * levels);
  const std::string name = "quant:" + std::to_string(levels) + ",A=" + format_double(amplitude) +
                           ",D=" + format_double(spacing);
  return std::make_unique<StepActivation>(std::move(t), std::move(y), name);
}

}  // namespace qmf
