#include "commands/kernel_spectrum.hpp"

#include <string>

namespace qmf::cli {

namespace {

Json fit_json(const LineFit& fit, const std::string& what) {
  return {{"slope", number(fit.slope, what + " slope")}, {"r2", number(fit.r2, what + " r2")}};
}

Json reference_json(const std::optional<ReferenceSpectrum>& reference) {
  if (!reference) return nullptr;
  Json out = spectrum_json(reference->fitted);
  out["bandwidth"] = reference->bandwidth;
  return out;
}

}  // namespace

Json spectrum_json(const FittedSpectrum& fitted) {
  const MercerSpectrum& s = fitted.spectrum;
  Json out;
  out["nodes"] = s.nodes;
  out["relative_change"] = number(s.relative_change, "relative_change");
  out["absolute_change"] = number(s.absolute_change, "absolute_change");
  Json eigenvalues = Json::array(), floors = Json::array();
  for (std::size_t k = 0; k < s.eigenvalues.size(); ++k) {
    eigenvalues.push_back(number(s.eigenvalues[k], "eigenvalue"));
    floors.push_back(number(s.floors[k], "floor"));
  }
  out["eigenvalues"] = eigenvalues;
  out["floors"] = floors;
  if (fitted.fits) {
    out["fit_degrees"] = fitted.fits->degrees;
    out["fit_last_degree"] = fitted.fits->last_degree;
    out["exponential"] = fit_json(fitted.fits->exponential, "exponential fit");
    out["power"] = fit_json(fitted.fits->power, "power fit");
  } else {
    out["exponential"] = out["power"] = nullptr;
  }
  return out;
}

Json kernel_spectra(const KernelSource& kernels, int dim, int degrees) {
  const NetworkSpectra s = network_spectra(kernels, dim, degrees);
  Json out;
  out["nngp"] = spectrum_json(s.nngp);
  out["ntk"] = spectrum_json(s.ntk);
  out["matched_value_at_half"] = number(s.matched_value_at_half, "matched value");
  out["gaussian"] = reference_json(s.gaussian);
  out["laplace"] = reference_json(s.laplace);
  return out;
}

}  // namespace qmf::cli
