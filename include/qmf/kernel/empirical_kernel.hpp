// Empirical NNGP and NTK Gram matrices of sampled finite nets, to hold against
// the infinite-width kernels of qmf/kernel/kernels.hpp and
// qmf/weights/quasi_network.hpp (docs/kernels.md, "Against finite nets").
//
// The net has the conventions of docs/kernels.md: layer l = 1..L computes
// h^l = sqrt(sw2 / n_(l-1)) W^l x^(l-1) + sqrt(sb2) b^l with W, b iid N(0, 1),
// x^0 the input (n_0 = d, |x|^2 / d = q0) and x^l = phi(h^l); hidden widths
// n_1..n_(L-1) = width, one scalar output h^L. The NNGP estimate is the Gram of
// the readout's pre-activation averaged over its own weights,
//   Sigma_ij = sw2 x_i^(L-1) . x_j^(L-1) / n_(L-1) + sb2,
// and the NTK is the Gram of the gradients of h^L in all (W^l, b^l) (NTK
// parameterisation: the parameters are the unit-variance W, b), summed layer by
// layer with the backprop identity
//   Theta_ij = sum_l (delta_i^l . delta_j^l) (sw2 x_i^(l-1) . x_j^(l-1) / n_(l-1) + sb2),
//   delta^L = 1, delta^(l-1) = sqrt(sw2 / n_(l-1)) (W^l)^T delta^l (.) g(h^(l-1)),
// so it costs GEMMs, not per-example Jacobians. g is phi' (`true`) or the STE
// surrogate s 1{|x| <= tau} (`ste`), as in qmf/kernel/derivative_kernel.hpp.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "qmf/kernel/derivative_kernel.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

struct EmpiricalGram {
  Eigen::MatrixXd nngp;  // N x N
  Eigen::MatrixXd ntk;   // N x N
};

/// Which parameters the tangent kernel differentiates: the unit-variance W, b
/// of the NTK parameterisation (matches the analytic recursion) or the
/// standard parameterisation's weights sqrt(sw2/n) W and biases sqrt(sb2) b
/// (a different kernel, kept to show that the check can fail).
enum class TangentParameters { ntk, standard };

/// One sampled net with Gaussian weights on inputs (d x N, one example a
/// column). depth >= 1, width >= 1; throws std::invalid_argument naming the field.
EmpiricalGram empirical_gram(const Activation& phi, const Initialization& init,
                             const DerivativeKernel& derivative, const Eigen::MatrixXd& inputs,
                             int depth, int width, std::uint64_t seed,
                             TangentParameters parameters = TangentParameters::ntk);

/// The NNGP and NTK Grams of one sampled net with binary weights Q in {-1, +1}
/// drawn by stochastic rounding of latent theta = clip(z, -1, 1), z ~ N(0, 1),
/// afresh for every example and weight (P(Q = +1) = (1 + theta) / 2), real
/// biases b. The net is run twice with independent rounding draws and every
/// entry pairs the two runs, (i, j) and (j, i) averaged: so the diagonal, too,
/// pairs two independent draws of one example, which is what the quasi
/// network's kernel K12 at t = 1 describes (the covariance K of the
/// conditional means, not the second moment q of one draw).
///   NNGP: sw2 s x_i^(L-1) . x'_j^(L-1) / n + sb2, the readout averaged over
///         its own theta (s = E[theta^2] = theta_second_moment), x and x' the
///         two runs' sampled activations;
///   NTK:  the tangent kernel in (theta, b) of the conditional mean output
///         mu^L = E[h^L | x^(L-1), theta], chained through every hidden layer's
///         conditional mean output psi(mu^l; v^l) = E[phi(h^l) | x^(l-1), theta]
///         (the local reparameterisation gradient: h^l given its input is
///         Gaussian of mean mu^l = sqrt(sw2/n) theta x^(l-1) + sqrt(sb2) b and
///         variance v^l = sw2/n (1 - theta^2) (x^(l-1))^2 at large fan-in):
///           Theta_ij = sum_l (delta_i^l . delta'_j^l) (sw2 x_i^(l-1) . x'_j^(l-1) / n + sb2),
///           delta^L = 1, delta^(l-1) = sqrt(sw2/n) (theta^l)^T delta^l (.) psi'(mu^(l-1);
///           v^(l-1)).
///         v is held fixed: its dependence on theta adds O(1/n) to the kernel.
/// At infinite width these are the quasi network's NNGP and NTK with
/// QuasiVariance::exact (qmf/weights/quasi_network.hpp): the sampled pair
/// (mu_i, mu'_j) plus its rounding noise has variance q and covariance K12,
/// however the variance splits between mean and noise. No STE is involved.
EmpiricalGram stochastic_binary_gram(const Activation& phi, const Initialization& init,
                                     double theta_second_moment, const Eigen::MatrixXd& inputs,
                                     int depth, int width, std::uint64_t seed);

/// ||a - b||_F / ||b||_F (b is the reference; same shape, non-zero).
double relative_frobenius_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

/// The `count` largest eigenvalues of a symmetric matrix, descending.
std::vector<double> leading_eigenvalues(const Eigen::MatrixXd& symmetric, int count);

}  // namespace qmf
