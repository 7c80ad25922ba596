// Mercer spectra of dot-product kernels on the sphere S^(d-1) (docs/kernels.md).
//
// A kernel K(x . y) on the unit sphere in R^d has the spherical harmonics of
// degree k as eigenfunctions, with eigenvalue (Funk-Hecke)
//   lambda_k = E_t[K(t) P_k(t)],
// the expectation over t = x . y for x uniform on the sphere, whose density is
// proportional to (1 - t^2)^((d - 3) / 2), and P_k the Legendre polynomial of
// degree k in d dimensions normalised by P_k(1) = 1. The eigenvalues are those
// of the integral operator on the uniform probability measure; degree k has
// multiplicity N(d, k). The expectation is taken by Gauss-Jacobi quadrature
// with alpha = beta = (d - 3) / 2, so the weight (which concentrates near t = 0
// for large d and vanishes at the cusp t = 1 of step-activation kernels) is
// exact and only K P_k is approximated by a polynomial.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "qmf/numerics/line_fit.hpp"

namespace qmf {

/// Nodes and weights of n-point Gauss quadrature for the distribution of
/// t = x . y on S^(d-1); the weights sum to 1. d >= 3, n >= 1.
struct SphereQuadrature {
  std::vector<double> nodes;
  std::vector<double> weights;
};
SphereQuadrature sphere_quadrature(int dim, int n);

/// P_0(t) .. P_max_degree(t) in d dimensions, P_k(1) = 1, by the three-term
/// recurrence (k + d - 2) P_(k+1) = (2k + d - 2) t P_k - k P_(k-1).
std::vector<double> sphere_legendre(int dim, int max_degree, double t);

/// Number of spherical harmonics of degree k on S^(d-1).
double harmonic_multiplicity(int dim, int k);

/// K evaluated at many cosines at once (so a kernel recursion can batch).
using DotProductKernel = std::function<std::vector<double>(std::span<const double>)>;

struct MercerSpectrum {
  std::vector<double> eigenvalues;  // lambda_0 .. lambda_max_degree
  /// Floor of each eigenvalue: the larger of its change on the last doubling
  /// and 1000 eps E[|K| |P_k|] (the kernel's own rounding reaches lambda_k at
  /// about eps E[|K| |P_k|], which at large d exceeds lambda_k beyond the first
  /// tens of degrees in double precision).
  std::vector<double> floors;
  int nodes = 0;  // quadrature nodes of the reported values
  /// max_k |lambda_k(n) - lambda_k(n/2)| / |lambda_k(n)| over the k with
  /// |lambda_k| > 1e-6 max |lambda|: the change on the last doubling.
  double relative_change = 0.0;
  /// max_k |lambda_k(n) - lambda_k(n/2)| / max |lambda|.
  double absolute_change = 0.0;
};

/// Eigenvalues for k = 0..max_degree, doubling the node count (from
/// max_degree + 64) until the relative change is below `tolerance` or
/// `max_doublings` doublings are done (the achieved change is reported,
/// never hidden). Throws std::invalid_argument naming dim or eigen.
MercerSpectrum mercer_spectrum(const DotProductKernel& kernel, int dim, int max_degree,
                               double tolerance = 1e-9, int max_doublings = 5);

/// log lambda_k against k (exponential decay: slope = -rate) and against
/// log k (power law: slope = -exponent), over the degrees k >= 1 whose
/// eigenvalue is positive and above its floor (odd or even degrees that
/// vanish by symmetry drop out). Throws numerical_error with fewer than 3.
struct DecayFits {
  LineFit exponential;
  LineFit power;
  int degrees = 0;      // how many degrees entered the fits
  int last_degree = 0;  // the highest of them
};
DecayFits fit_decay(std::span<const double> eigenvalues, std::span<const double> floors);

}  // namespace qmf
