#include "qmf/weights/quasi_network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernel/grid_moments.hpp"
#include "numerics/format_number.hpp"

namespace qmf {

namespace {

void check_inputs(const Initialization& init, double q0, int depth, std::span<const double> t,
                  const QuasiNetwork& net) {
  validate(init);
  if (!(net.weights.covariance > 0.0 && net.weights.variance > net.weights.covariance))
    throw std::invalid_argument("weights of the quasi network need E[Q^2] > E[theta^2] > 0");
  if (init.weight_noise != 0.0)
    throw std::invalid_argument(
        "weight_noise must be 0 for the quasi network (its rounding comes from the weights)");
  if (!(std::isfinite(q0) && q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " +
                                detail::format_number(q0) + ")");
  if (depth < 1)
    throw std::invalid_argument("depth must be at least 1 (got " + std::to_string(depth) + ")");
  for (const double x : t)
    if (!(x >= -1.0 && x <= 1.0))
      throw std::invalid_argument("t must lie in [-1, 1] (got " + detail::format_number(x) + ")");
}

// Layers 1..depth for every cosine at once: q and K are the same for every
// cosine (equal norms), K12 and Theta12 one per cosine.
struct GridStates {
  double q = 0.0, k = 0.0;
  std::vector<double> k12, ntk12;
};

// `trace`, when given, receives the first cosine's state at every layer.
GridStates propagate(const Activation& phi, const Initialization& init, double q0,
                     std::span<const double> t, int depth, const QuasiNetwork& net,
                     const Interrupt& interrupt, std::vector<QuasiState>* trace = nullptr) {
  const double sw2 = init.sw2, sb2 = init.sb2;
  const double a = net.weights.variance, s = net.weights.covariance;
  GridStates g{sw2 * a * q0 + sb2, sw2 * s * q0 + sb2, {}, {}};
  for (const double x : t) {
    g.k12.push_back(sw2 * s * q0 * x + sb2);
    g.ntk12.push_back(sw2 * q0 * x + sb2);
  }
  const auto record = [&] {
    if (trace) trace->push_back({g.q, g.k, g.k12.front(), g.ntk12.front()});
  };
  record();
  // One correlation per cosine and, last, the shared part's K / q, whose
  // E[phi(u1) phi(u2)] = E[psi(mu)^2] falls geometrically at sb2 = 0 (sign:
  // 0.33^l): all from one call, which keeps small ones to their relative digits.
  const std::size_t pairs = t.size();
  std::vector<double> angle(pairs + 1), cosine(pairs + 1);
  int points = 64;  // Chebyshev points, passed from layer to layer
  for (int l = 2; l <= depth; ++l) {
    interrupt.poll();
    // v = q - K > 0 keeps every pair's correlation K12 / q below 1.
    for (std::size_t i = 0; i <= pairs; ++i) {
      cosine[i] = std::clamp((i < pairs ? g.k12[i] : g.k) / g.q, -1.0, 1.0);
      angle[i] = std::acos(cosine[i]);
    }
    const auto moments = detail::pair_moments(phi, g.q, angle, cosine, points, true);
    const double phi_square = phi.second_moment(g.q);
    const double psi_square = moments.cross[pairs];  // E[psi(mu)^2]
    for (std::size_t i = 0; i < pairs; ++i) {
      const double pair = moments.cross[i];  // E[phi(u1) phi(u2)] = E[psi psi]
      g.k12[i] = sw2 * s * pair + sb2;
      g.ntk12[i] = sw2 * pair + sb2 + sw2 * s * (moments.slope[i] / g.q) * g.ntk12[i];
    }
    const double k = sw2 * s * psi_square + sb2;
    g.q = net.variance == QuasiVariance::exact ? sw2 * a * phi_square + sb2
                                               : k + sw2 * (a - s) * psi_square;
    g.k = k;
    record();
  }
  return g;
}

}  // namespace

std::string to_string(QuasiVariance variance) {
  return variance == QuasiVariance::exact ? "exact" : "composed";
}

QuasiVariance parse_quasi_variance(const std::string& text) {
  if (text == "exact") return QuasiVariance::exact;
  if (text == "composed") return QuasiVariance::composed;
  throw std::invalid_argument("quasi must be exact or composed (got '" + text + "')");
}

QuasiNetwork quasi_network(const WeightSpec& spec, QuasiVariance variance) {
  if (spec.kind == WeightSpec::Kind::gaussian || spec.rounding != Rounding::stochastic_per_example)
    throw std::invalid_argument("weights '" + spec.text +
                                "' has no quasi network: it needs rounding=stochastic-per-example");
  return {weight_moments(spec), variance};
}

std::vector<KernelValues> quasi_kernel_on_grid(const Activation& phi, const Initialization& init,
                                               double q0, std::span<const double> t_values,
                                               int depth, const QuasiNetwork& net,
                                               const Interrupt& interrupt) {
  check_inputs(init, q0, depth, t_values, net);
  const GridStates g = propagate(phi, init, q0, t_values, depth, net, interrupt);
  std::vector<KernelValues> values;
  for (std::size_t i = 0; i < t_values.size(); ++i) values.push_back({g.k12[i], g.ntk12[i]});
  return values;
}

std::vector<QuasiState> quasi_states(const Activation& phi, const Initialization& init, double q0,
                                     double t, int depth, const QuasiNetwork& net,
                                     const Interrupt& interrupt) {
  check_inputs(init, q0, depth, std::span(&t, 1), net);
  std::vector<QuasiState> states;
  propagate(phi, init, q0, std::span(&t, 1), depth, net, interrupt, &states);
  return states;
}

}  // namespace qmf
