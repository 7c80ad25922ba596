// qmf kernel --eigen: the library's spectra of a net's kernels
// (qmf/kernel/kernel_spectra.hpp) as JSON.
#pragma once

#include "cli/output.hpp"
#include "qmf/kernel/kernel_spectra.hpp"

namespace qmf::cli {

/// Eigenvalues, floors, nodes, relative and absolute change, and the
/// exponential and power fits (null when fewer than three degrees are resolved).
Json spectrum_json(const FittedSpectrum& fitted);

/// The NNGP's, NTK's and references' spectra (a reference null where no
/// bandwidth matches) and matched_value_at_half.
Json kernel_spectra(const KernelSource& kernels, int dim, int degrees);

}  // namespace qmf::cli
