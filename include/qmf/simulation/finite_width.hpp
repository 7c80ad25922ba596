// The leading 1/n corrections of finite nets to the mean field
// (docs/finite_width.md).
//
// One input's squared length follows, exactly, the one-dimensional chain
// v^(l+1) = sw2 mean_j phi(sqrt(v^l) z_j)^2 + sb2 over n fresh normals z_j per
// layer (the diagonal of the Gram layer's covariance); q_sim^l is v^l times a
// mean of n squared normals, so E[q_sim^l] = E[v^l]. Expanding the chain to
// second order about the mean field q^l gives the leading bias and variance.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "qmf/simulation/simulate.hpp"

namespace qmf {

/// n (E[q_sim^l] - q^l) and n Var[v^l] to leading order, layers 0..depth:
///   A^(l+1) = V'(q^l) A^l + V''(q^l) B^l / 2,  B^(l+1) = V'(q^l)^2 B^l + sigma^2(q^l),
/// V the length map, sigma^2(q) = sw2^2 Var[phi(sqrt(q) z)^2]; layer 1 starts
/// from the simulation's inputs, a point on the sphere of radius sqrt(n q0)
/// rather than a Gaussian vector.
struct LengthCorrection {
  double bias = 0.0;      // A^l
  double variance = 0.0;  // B^l
};
std::vector<LengthCorrection> length_corrections(const Activation& phi, const Initialization& init,
                                                 double q0, int depth);

/// Mean and standard error of v^l over settings.nets runs of the chain, from
/// the simulation's layer-0 inputs (the first input of each net), layers 0..depth.
std::vector<Estimate> length_chain(const Activation& phi, const SimulationSettings& settings);

/// The seed of the nets at width n in a study over widths: a splitmix64 step
/// keyed by n away from `seed`. Nets of different widths drawn from one seed
/// would share their streams (the first n rows of each draw): their
/// deviations correlate (~0.75 between neighbouring widths, review Q) and a
/// fit over the widths that takes them as independent understates its
/// standard errors (by ~1.7).
std::uint64_t width_seed(std::uint64_t seed, int width);

/// settings.nets nets drawn in `batches` batches of nearly equal size (each at
/// least 2 nets), batch g from its own seed (batch 0 from settings.seed, so one
/// batch is simulate_networks itself): every batch's layers, and the layers of
/// all the nets pooled as one ensemble (means weighted by size, the standard
/// error from the pooled variance). progress counts the nets of all batches.
/// Throws std::invalid_argument unless 1 <= batches <= settings.nets / 2.
struct BatchedSimulation {
  std::vector<SimulatedLayer> pooled;
  std::vector<std::vector<SimulatedLayer>> batches;
  std::vector<int> sizes;
};
BatchedSimulation simulate_in_batches(const Activation& phi, const SimulationSettings& settings,
                                      int batches, const SimulationProgress& progress = {});

/// Weighted least squares of y(n) = a/n + b/n^2 with weights 1/se^2: the
/// leading coefficient a, its standard error, and chi^2 per degree of freedom.
struct InverseWidthFit {
  double a = 0.0;
  double a_se = 0.0;
  double b = 0.0;
  double chi2_per_dof = 0.0;
};
/// Needs at least three widths and positive se (std::invalid_argument
/// otherwise), or se = 0 at every width: exact values, fitted with equal
/// weights, a_se = chi2_per_dof = 0.
InverseWidthFit fit_inverse_width(std::span<const double> widths, std::span<const double> y,
                                  std::span<const double> se);

}  // namespace qmf
