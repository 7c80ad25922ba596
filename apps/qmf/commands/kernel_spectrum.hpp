// qmf kernel --eigen: a kernel's Mercer spectrum on the sphere with its decay
// fits as JSON, and the Gaussian and Laplace kernels it is compared with.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "cli/output.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"

namespace qmf::cli {

/// The NNGP and NTK of one net on any cosines.
using KernelSource = std::function<std::vector<KernelValues>(std::span<const double>)>;

/// Eigenvalues of degrees 0..degrees on S^(dim-1) with their rounding floors,
/// the quadrature's convergence, and the exponential and power decay fits
/// (null when fewer than three degrees are resolved).
Json spectrum_json(const DotProductKernel& kernel, int dim, int degrees);

/// exp((t - 1) / l^2) and exp(-|x - y| / l) = exp(-sqrt(2 - 2t) / l) on the
/// unit sphere: the smooth and the cusped reference of matched bandwidth l.
DotProductKernel gaussian_reference_kernel(double bandwidth);
DotProductKernel laplace_reference_kernel(double bandwidth);

/// The NNGP's and NTK's spectra (each normalised by its value at t = 1) and
/// the Gaussian and Laplace references whose value at t = 1/2 matches the
/// normalised NNGP's (null when it lies outside (0, 1)).
Json kernel_spectra(const KernelSource& kernels, int dim, int degrees);

}  // namespace qmf::cli
