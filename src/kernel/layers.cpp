#include "qmf/kernel/layers.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "activations/hermite_series.hpp"
#include "numerics/format_number.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/derivative_kernel.hpp"

namespace qmf {

namespace {

void require(bool ok, const std::string& field, const std::string& rule, double value) {
  if (!ok)
    throw std::invalid_argument(field + " must be " + rule + " (got " +
                                detail::format_number(value) + ")");
}

// A smooth activation whose Hermite series converges fast (tanh, gelu, ...)
// takes a layer's pair integrals at q from one set of coefficients
// (Mehler's formula; Price's for phi'): a 1-D rule per layer instead of a
// 2-D adaptive integral per quantity, ~10 ms each for tanh and gelu. The
// series is used only when both its Parseval checks pass (to 1e-12 of the
// sums); otherwise, and for every other activation, nullopt.
std::optional<detail::HermiteSeries> fast_series(const Activation& phi, double q) {
  if (!phi.has_fast_hermite_series()) return std::nullopt;
  detail::HermiteSeries series(phi, q);
  if (!series.certified()) return std::nullopt;
  return series;
}

}  // namespace

void Dense::validate() const {
  require(std::isfinite(weights_.variance) && weights_.variance > 0.0, "sw2",
          "a positive finite number", weights_.variance);
  require(std::isfinite(weights_.per_example_noise) && weights_.per_example_noise >= 0.0,
          "weight noise", "a non-negative finite number", weights_.per_example_noise);
  require(std::isfinite(bias_variance_) && bias_variance_ >= 0.0, "sb2",
          "a non-negative finite number", bias_variance_);
}

double Dense::gap(double post_gap, double m1, double m2) const {
  const double gap = weights_.variance * post_gap;
  if (weights_.per_example_noise == 0.0) return gap;
  return gap + weights_.per_example_noise * 0.5 * (m1 + m2);
}

KernelState Dense::operator()(const KernelState& post) const {
  KernelState next;
  next.q1 = diagonal(post.q1);
  next.q2 = diagonal(post.q2);
  next.q12 = off_diagonal(post.q12);
  next.gap = gap(post.gap, post.q1, post.q2);
  // Theta' = K' + sw2 Theta: the new layer's own parameters contribute K'.
  next.ntk1 = next.q1 + weights_.variance * post.ntk1;
  next.ntk2 = next.q2 + weights_.variance * post.ntk2;
  next.ntk12 = next.q12 + weights_.variance * post.ntk12;
  return next;
}

KernelState Elementwise::operator()(const KernelState& pre) const {
  KernelState post;
  post.q1 = phi_.second_moment(pre.q1);
  post.q2 = pre.has_equal_norms() ? post.q1 : phi_.second_moment(pre.q2);
  // The NTK's factors: the true derivative, zero almost everywhere for a step
  // activation (whose chi_1 is nevertheless +inf, the slope of the
  // correlation map at c = 1, as its phi' moments take the jumps' deltas).
  const DerivativeKernel derivative(phi_);
  post.ntk1 = derivative.second_moment(pre.q1) * pre.ntk1;
  post.ntk2 = derivative.second_moment(pre.q2) * pre.ntk2;
  const double c = pre.correlation();
  const auto series = pre.has_equal_norms() ? fast_series(phi_, pre.q1) : std::nullopt;
  if (series) {
    post.gap = series->deficit(c);
    post.q12 = series->cross(c);
    post.ntk12 = series->slope(c) / pre.q1 * pre.ntk12;
    return post;
  }
  if (pre.has_equal_norms()) {
    post.q12 = phi_.cross_moment(pre.q1, c);
    post.gap = phi_.cross_moment_deficit(pre.q1, c);
  } else {
    post.q12 = phi_.cross_moment_unequal(pre.q1, pre.q2, c);
    post.gap = 0.5 * (post.q1 + post.q2) - post.q12;
  }
  post.ntk12 = derivative.cross_moment(pre.q1, pre.q2, c) * pre.ntk12;
  return post;
}

double LayerMap::length(double q) const { return dense_.diagonal(activation().second_moment(q)); }

double LayerMap::length_slope(double q) const {
  const WeightPrior& w = dense_.weights();
  return (w.variance + w.per_example_noise) * activation().second_moment_slope(q);
}

// E[phi(u1) phi(u2)] with relative accuracy as c -> 0 where a route has it:
// the Hermite series for smooth activations, Plackett's integral from 0 to c
// for steps at |c| <= 1/2 (their Owen's T sum keeps ~1e-13 of E[phi^2]
// absolute, so an odd step's chaotic c^l stopped decaying near 2.5e-13).
double LayerMap::covariance(double q, double c) const {
  if (const auto series = fast_series(activation(), q))
    return dense_.off_diagonal(series->cross(c));
  const auto* step = dynamic_cast<const StepActivation*>(&activation());
  if (step != nullptr && std::fabs(c) <= 0.5)
    return dense_.off_diagonal(step->cross_moment_plackett(q, c));
  return dense_.off_diagonal(activation().cross_moment(q, c));
}

double LayerMap::correlation_complement(double q, double c) const {
  const double m = activation().second_moment(q);
  const auto series = fast_series(activation(), q);
  const double deficit = series ? series->deficit(c) : activation().cross_moment_deficit(q, c);
  return dense_.gap(deficit, m, m) / dense_.diagonal(m);
}

double LayerMap::correlation_slope(double q, double c) const {
  const auto series = fast_series(activation(), q);
  const double slope = series ? series->slope(c) : activation().cross_moment_slope(q, c);
  return dense_.weights().variance * slope / length(q);
}

// Each input's own weights, shared part and per-example noise, carry its
// gradient back: chi_1 is the factor on the squared gradient norm, the
// quantity the order-chaos line sets to 1 (critical.cpp).
double LayerMap::chi_1(double q) const {
  const WeightPrior& w = dense_.weights();
  return (w.variance + w.per_example_noise) * activation().derivative_second_moment(q);
}

}  // namespace qmf
