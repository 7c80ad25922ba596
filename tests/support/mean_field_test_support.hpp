// Shared by the tests of the exact mean-field core (activation, maps, fixed
// points, criticality): the activation specs every module is checked on, a
// Monte Carlo estimator of the Gaussian kernel with standard errors, central
// differences, and an absolute-tolerance Approx.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf::testing {

inline constexpr double pi = 3.14159265358979323846;

/// Every activation family of docs/cli.md, step functions with and without
/// options, odd and non-odd (the two `steps:` entries have non-zero mean; the
/// second is not even monotone).
inline std::vector<std::string> all_activation_specs() {
  return {"sign",
          "quant:2",
          "quant:3",
          "quant:4",
          "quant:16",
          "quant:5,D=0.3,A=2",
          "quant:4,A=0.5",
          "steps:t=-0.5;0.2;1.3,y=-1;0.5;0.7;2",
          "steps:t=-1;0.5,y=1.5;-2;0.25",
          "lloyd:4",
          "lloyd:8,S=0.5",
          "qrelu:4,A=2",
          "tanh",
          "erf",
          "relu",
          "hardtanh",
          "linear"};
}

/// An input pair: common variance q, correlation c.
struct KernelPoint {
  double q;
  double c;
};

/// Points at which to test the two-dimensional kernel of every activation:
/// thresholds O(1) standard deviations from the origin, one positive and one
/// negative correlation.
inline const std::vector<KernelPoint> kernel_points = {{0.6, 0.35}, {2.5, -0.7}};

/// A sample mean with its standard error.
struct Estimate {
  double value = 0.0;
  double standard_error = 0.0;
};

/// Monte Carlo estimates of the Gaussian kernel of phi at (q, c).
struct KernelEstimate {
  Estimate mean;                      // E[phi(u1)]
  Estimate second_moment;             // E[phi(u1)^2]
  Estimate cross_moment;              // E[phi(u1) phi(u2)]
  Estimate deficit;                   // E[(phi(u1) - phi(u2))^2] / 2
  Estimate derivative_second_moment;  // E[phi'(u1)^2]
  Estimate derivative_cross;          // E[phi'(u1) phi'(u2)] (Price: slope / q)
};

namespace detail {
class Accumulator {
 public:
  void add(double x) {
    sum_ += x;
    sum_squares_ += x * x;
    ++n_;
  }
  [[nodiscard]] Estimate estimate() const {
    const double mean = sum_ / n_;
    const double variance = std::max(0.0, (sum_squares_ / n_ - mean * mean) * n_ / (n_ - 1));
    return {mean, std::sqrt(variance / n_)};
  }

 private:
  double sum_ = 0.0;
  double sum_squares_ = 0.0;
  long n_ = 0;
};
}  // namespace detail

/// u1 = sqrt(q) z1, u2 = sqrt(q) (c z1 + sqrt(1 - c^2) z2) from a fixed seed:
/// deterministic, and independent of every quadrature in the library.
inline KernelEstimate monte_carlo_kernel(const Activation& phi, double q, double c, long samples,
                                         std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  const double root_q = std::sqrt(q);
  const double s = std::sqrt((1.0 - c) * (1.0 + c));
  detail::Accumulator mean, second, cross, deficit, dsm, dcross;
  for (long i = 0; i < samples; ++i) {
    const double z1 = normal(engine);
    const double z2 = normal(engine);
    const double u1 = root_q * z1;
    const double u2 = root_q * (c * z1 + s * z2);
    const double p1 = phi.value(u1);
    const double p2 = phi.value(u2);
    mean.add(p1);
    second.add(p1 * p1);
    cross.add(p1 * p2);
    deficit.add(0.5 * (p1 - p2) * (p1 - p2));
    const double d1 = phi.derivative(u1);
    dsm.add(d1 * d1);
    dcross.add(d1 * phi.derivative(u2));
  }
  return {mean.estimate(),    second.estimate(), cross.estimate(),
          deficit.estimate(), dsm.estimate(),    dcross.estimate()};
}

/// Tolerance for comparing an exact value with a Monte Carlo estimate: 5
/// standard errors. For an (asymptotically normal) estimator a correct exact
/// value lies outside with probability P(|Z| > 5) = 5.7e-7 per comparison,
/// so a few hundred comparisons fail by chance with probability < 2e-4 for a
/// fresh seed (the seeds are fixed, so the outcome is deterministic). The
/// 1e-12 floor covers estimators with zero variance (a constant integrand).
inline double monte_carlo_tolerance(const Estimate& e) { return 5.0 * e.standard_error + 1e-12; }

/// Catch's Approx(x).margin(m) also accepts any relative difference up to its
/// default epsilon (100 float epsilons, 1.2e-5), which would hide errors far
/// above m. This one compares with the absolute tolerance m only.
inline Approx approx_abs(double expected, double tolerance) {
  return Approx(expected).epsilon(0.0).margin(tolerance);
}

/// The message with which make_activation(spec) rejects `spec`, "" if it does not.
inline std::string spec_error(const std::string& spec) {
  try {
    (void)make_activation(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

/// phi as the step activation a test knows it to be (fails the test otherwise).
inline const StepActivation& as_step(const Activation& phi) {
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  REQUIRE(step != nullptr);
  return *step;
}

/// The scale of phi's kernel at variance q: E[phi^2] (never zero for the
/// tested specs), the natural unit for absolute tolerances.
inline double kernel_scale(const Activation& phi, double q) { return phi.second_moment(q); }

/// (f(x + h) - f(x - h)) / (2h) = f'(x) + h^2 f'''(xi) / 6 + rounding, where the
/// rounding part is at most (absolute error of f) / h.
template <class F>
double central_difference(F&& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2.0 * h);
}

}  // namespace qmf::testing
