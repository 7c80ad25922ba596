// The Mercer spectra of a net's kernels on the sphere S^(d-1), with their
// decay fits, beside Gaussian and Laplace kernels of matched bandwidth: what
// `qmf kernel --eigen` prints and qmf.kernel_spectrum returns (docs/kernels.md).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"

namespace qmf {

/// The NNGP and NTK of one net on any cosines.
using KernelSource = std::function<std::vector<KernelValues>(std::span<const double>)>;

/// Eigenvalues of degrees 0..degrees with their floors and convergence, and
/// the decay fits: none when fewer than three degrees are resolved (a linear
/// net's kernel has one non-zero eigenvalue).
struct FittedSpectrum {
  MercerSpectrum spectrum;
  std::optional<DecayFits> fits;
};
FittedSpectrum fitted_spectrum(const DotProductKernel& kernel, int dim, int degrees);

/// A reference kernel of bandwidth l and its spectrum.
struct ReferenceSpectrum {
  double bandwidth = 0.0;
  FittedSpectrum fitted;
};

/// exp((t - 1) / l^2) and exp(-|x - y| / l) = exp(-sqrt(2 - 2t) / l) on the
/// unit sphere: the smooth and the cusped reference of bandwidth l.
DotProductKernel gaussian_reference_kernel(double bandwidth);
DotProductKernel laplace_reference_kernel(double bandwidth);

struct NetworkSpectra {
  FittedSpectrum nngp;  // of Sigma(t) / Sigma(1)
  FittedSpectrum ntk;   // of Theta(t) / Theta(1)
  /// rho = Sigma(1/2) / Sigma(1): the references match it at t = 1/2 (inputs
  /// 60 degrees apart), exp(-1 / (2 l^2)) = rho and exp(-1 / l) = rho.
  double matched_value_at_half = 0.0;
  /// None when rho lies outside (0, 1): no bandwidth matches it.
  std::optional<ReferenceSpectrum> gaussian;
  std::optional<ReferenceSpectrum> laplace;
};

/// The NNGP's and NTK's spectra, each normalised by its value at t = 1, and
/// the references'. Throws as mercer_spectrum (naming dim or eigen).
NetworkSpectra network_spectra(const KernelSource& kernels, int dim, int degrees);

}  // namespace qmf
