// qmf kernel --eigen: a kernel's Mercer spectrum on the sphere with its decay
// fits as JSON, and the Gaussian and Laplace kernels it is compared with.
#pragma once

#include "cli/output.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"

namespace qmf::cli {

/// Eigenvalues of degrees 0..degrees on S^(dim-1) with their rounding floors,
/// the quadrature's convergence, and the exponential and power decay fits
/// (null when fewer than three degrees are resolved).
Json spectrum_json(const DotProductKernel& kernel, int dim, int degrees);

/// exp((t - 1) / l^2) and exp(-|x - y| / l) = exp(-sqrt(2 - 2t) / l) on the
/// unit sphere: the smooth and the cusped reference of matched bandwidth l.
DotProductKernel gaussian_reference_kernel(double bandwidth);
DotProductKernel laplace_reference_kernel(double bandwidth);

}  // namespace qmf::cli
