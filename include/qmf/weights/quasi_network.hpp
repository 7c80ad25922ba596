// The quasi network of weights rounded stochastically for every example
// (docs/kernels.md, "The quasi network").
//
// A weight Q is drawn afresh for every input from a latent theta with
// E[Q | theta] = theta (binary: P(Q = +1) = (1 + theta) / 2, theta = clip(z)
// of the latent Gaussian weight z in units of its standard deviation;
// qmf/weights/weight_spec.hpp). Given theta and a wide layer's input, a
// pre-activation is Gaussian with mean mu = sqrt(sw2) theta.x / sqrt(n) + b and
// variance v = sw2 sum_j (E[Q_j^2] E[x_j^2] - theta_j^2 E[x_j]^2) / n, so the
// layer's expected output is psi(mu) = E[phi(mu + sqrt(v) z)], a smoothed
// activation. The quasi network is the deterministic network in theta (and the
// real biases b) that computes these expectations; its NNGP is the covariance
// of mu over theta, its NTK the tangent kernel in (theta, b).
//
// With theta iid, E[theta^2] = s and E[Q^2] = a (WeightMoments covariance and
// variance), for two inputs of equal norm per unit q0 and cosine t, layer 1:
//   q = sw2 a q0 + sb2, K = sw2 s q0 + sb2, K12 = sw2 s q0 t + sb2,
//   Theta = sw2 q0 t + sb2,
// and each further layer, with (u1, u2) Gaussian of variances q, covariance
// K12 (the smoothed pair), psi-moments E[psi(mu1) psi(mu2)] = E[phi(u1) phi(u2)]:
//   K12' = sw2 s E[phi(u1) phi(u2)] + sb2,       K' = the same at K12 = K,
//   q'   = sw2 a E[phi(u)^2] + sb2               (exact: v' = q' - K'), or
//   q'   = K' + sw2 (a - s) E[psi(mu)^2]         (composed: psi's outputs fed on
//                                                 as deterministic inputs),
//   Theta' = sw2 E[phi(u1) phi(u2)] + sb2 + sw2 s E[phi'(u1) phi'(u2)] Theta,
// where E[phi'(u1) phi'(u2)] = d/dc E[phi(u1) phi(u2)] / q = E[psi'(mu1) psi'(mu2)]
// is finite for step activations too because v > 0 keeps the pair's
// correlation K12 / q <= K / q below 1. The exact variant's K12 is the
// per-example rounding map's covariance at every depth.
#pragma once

#include <span>
#include <vector>

#include "qmf/kernel/kernels.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf {

enum class QuasiVariance { exact, composed };

/// "exact" or "composed".
std::string to_string(QuasiVariance variance);
/// Parses "exact" or "composed"; std::invalid_argument naming `quasi` otherwise.
QuasiVariance parse_quasi_variance(const std::string& text);

struct QuasiNetwork {
  /// E[Q^2] (variance) and E[theta^2] (covariance) per unit of sw2; needs
  /// variance > covariance > 0 (some rounding noise).
  WeightMoments weights;
  QuasiVariance variance = QuasiVariance::exact;
};

/// The quasi network of a weight spec with stochastic-per-example rounding;
/// std::invalid_argument naming `weights` for any other spec.
QuasiNetwork quasi_network(const WeightSpec& spec, QuasiVariance variance = QuasiVariance::exact);

/// The quasi network's state of one pair at one layer.
struct QuasiState {
  double q = 0.0;      // K + v: second moment of a pre-activation
  double k = 0.0;      // K: variance of its mean mu over theta
  double k12 = 0.0;    // K12: NNGP of the pair
  double ntk12 = 0.0;  // Theta12
};

/// NNGP K12^L (KernelValues::nngp) and NTK Theta^L of the quasi network at
/// depth L = depth >= 1 for every t in [-1, 1] (init.sw2 is the latent
/// weights' sw2, init.weight_noise must be 0). Throws std::invalid_argument
/// naming the field. Polls `interrupt` at every layer (qmf/interrupt.hpp).
std::vector<KernelValues> quasi_kernel_on_grid(const Activation& phi, const Initialization& init,
                                               double q0, std::span<const double> t_values,
                                               int depth, const QuasiNetwork& net,
                                               const Interrupt& interrupt = {});

/// The full states of layers 1..depth at one cosine t; polls `interrupt` at every layer.
std::vector<QuasiState> quasi_states(const Activation& phi, const Initialization& init, double q0,
                                     double t, int depth, const QuasiNetwork& net,
                                     const Interrupt& interrupt = {});

}  // namespace qmf
