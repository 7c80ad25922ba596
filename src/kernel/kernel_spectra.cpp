#include "qmf/kernel/kernel_spectra.hpp"

#include <algorithm>
#include <cmath>

#include "qmf/errors.hpp"

namespace qmf {

FittedSpectrum fitted_spectrum(const DotProductKernel& kernel, int dim, int degrees) {
  FittedSpectrum out{mercer_spectrum(kernel, dim, degrees), std::nullopt};
  try {
    out.fits = fit_decay(out.spectrum.eigenvalues, out.spectrum.floors);
  } catch (const numerical_error&) {
    // Fewer than 3 resolved degrees: no fit, which is a result, not a failure.
  }
  return out;
}

namespace {

// K(t) on many cosines from a scalar formula.
DotProductKernel from_formula(double (*formula)(double, double), double bandwidth) {
  return [=](std::span<const double> t) {
    std::vector<double> k;
    for (const double x : t) k.push_back(formula(x, bandwidth));
    return k;
  };
}
double gaussian(double t, double l) { return std::exp((t - 1.0) / (l * l)); }
double laplace(double t, double l) {
  return std::exp(-std::sqrt(std::max(2.0 - 2.0 * t, 0.0)) / l);
}

}  // namespace

DotProductKernel gaussian_reference_kernel(double bandwidth) {
  return from_formula(gaussian, bandwidth);
}

DotProductKernel laplace_reference_kernel(double bandwidth) {
  return from_formula(laplace, bandwidth);
}

NetworkSpectra network_spectra(const KernelSource& kernels, int dim, int degrees) {
  const double one = 1.0;
  const KernelValues diagonal = kernels(std::span(&one, 1)).front();
  const auto normalised = [&](bool ntk) -> DotProductKernel {
    return [&, ntk](std::span<const double> t) {
      std::vector<double> k;
      for (const auto& v : kernels(t))
        k.push_back(ntk ? v.ntk / diagonal.ntk : v.nngp / diagonal.nngp);
      return k;
    };
  };
  NetworkSpectra out;
  out.nngp = fitted_spectrum(normalised(false), dim, degrees);
  out.ntk = fitted_spectrum(normalised(true), dim, degrees);
  const double half = 0.5;
  const double rho = normalised(false)(std::span(&half, 1)).front();
  out.matched_value_at_half = rho;
  if (rho > 0.0 && rho < 1.0) {
    const double l_gauss = std::sqrt(0.5 / -std::log(rho)), l_laplace = 1.0 / -std::log(rho);
    out.gaussian = {l_gauss, fitted_spectrum(gaussian_reference_kernel(l_gauss), dim, degrees)};
    out.laplace = {l_laplace, fitted_spectrum(laplace_reference_kernel(l_laplace), dim, degrees)};
  }
  return out;
}

}  // namespace qmf
