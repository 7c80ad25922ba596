#include "commands/kernel_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "qmf/errors.hpp"

namespace qmf::cli {

namespace {
Json fit_json(const LineFit& fit, const std::string& what) {
  return {{"slope", number(fit.slope, what + " slope")}, {"r2", number(fit.r2, what + " r2")}};
}

}  // namespace

Json spectrum_json(const DotProductKernel& kernel, int dim, int degrees) {
  const MercerSpectrum s = mercer_spectrum(kernel, dim, degrees);
  Json out;
  out["nodes"] = s.nodes;
  out["relative_change"] = number(s.relative_change, "relative_change");
  out["absolute_change"] = number(s.absolute_change, "absolute_change");
  Json eigenvalues = Json::array(), floors = Json::array();
  for (int k = 0; k <= degrees; ++k) {
    eigenvalues.push_back(number(s.eigenvalues[k], "eigenvalue"));
    floors.push_back(number(s.floors[k], "floor"));
  }
  out["eigenvalues"] = eigenvalues;
  out["floors"] = floors;
  try {
    const DecayFits fits = fit_decay(s.eigenvalues, s.floors);
    out["fit_degrees"] = fits.degrees;
    out["fit_last_degree"] = fits.last_degree;
    out["exponential"] = fit_json(fits.exponential, "exponential fit");
    out["power"] = fit_json(fits.power, "power fit");
  } catch (const numerical_error&) {
    out["exponential"] = out["power"] = nullptr;  // fewer than 3 resolved degrees
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

Json kernel_spectra(const KernelSource& kernels, int dim, int degrees) {
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
  Json out;
  out["nngp"] = spectrum_json(normalised(false), dim, degrees);
  out["ntk"] = spectrum_json(normalised(true), dim, degrees);
  // Matched bandwidth: the references take the normalised NNGP's value rho at
  // t = 1/2 (inputs 60 degrees apart): exp(-1/(2 l^2)) = rho, exp(-1/l) = rho.
  const double half = 0.5;
  const double rho = normalised(false)(std::span(&half, 1)).front();
  out["matched_value_at_half"] = number(rho, "matched value");
  if (rho > 0.0 && rho < 1.0) {
    const double l_gauss = std::sqrt(0.5 / -std::log(rho)), l_laplace = 1.0 / -std::log(rho);
    out["gaussian"] = spectrum_json(gaussian_reference_kernel(l_gauss), dim, degrees);
    out["gaussian"]["bandwidth"] = l_gauss;
    out["laplace"] = spectrum_json(laplace_reference_kernel(l_laplace), dim, degrees);
    out["laplace"]["bandwidth"] = l_laplace;
  } else {
    out["gaussian"] = out["laplace"] = nullptr;  // no bandwidth matches rho outside (0, 1)
  }
  return out;
}

}  // namespace qmf::cli
