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

}  // namespace qmf::cli
