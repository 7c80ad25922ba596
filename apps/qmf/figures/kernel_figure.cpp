#include "figures/kernel_figure.hpp"

#include <cmath>
#include <sstream>

#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

// "t  nngp  ntk  other_nngp  other_ntk", each kernel divided by its value at t = 1.
std::string kernels_table(const Json& result) {
  const Json& other = result["comparison"];
  std::ostringstream out;
  for (std::size_t i = 0; i < result["kernels"].size(); ++i) {
    const Json& a = result["kernels"][i];
    const Json& b = other["kernels"][i];
    out << format_number(a["t"].get<double>()) << ' '
        << format_number(a["nngp"].get<double>() / result["nngp_at_1"].get<double>()) << ' '
        << format_number(a["ntk"].get<double>() / result["ntk_at_1"].get<double>()) << ' '
        << format_number(b["nngp"].get<double>() / other["nngp_at_1"].get<double>()) << ' '
        << format_number(b["ntk"].get<double>() / other["ntk_at_1"].get<double>()) << '\n';
  }
  return out.str();
}

// A resolved eigenvalue (above its floor and positive), or '?' (gnuplot's missing value).
std::string eigenvalue_cell(const Json& spectrum, std::size_t k) {
  if (spectrum.is_null()) return "?";
  const double value = spectrum["eigenvalues"][k].get<double>();
  const double floor = spectrum["floors"][k].get<double>();
  return value > floor && value > 0.0 ? format_number(value) : "?";
}

// The matched Gaussian and Laplace kernels are drawn only where the normalised
// NNGP's value at t = 1/2, which sets their bandwidth, is at least this: at
// depth 10000 it was 4.5e-21, and the references' eigenvalues (1e-30 to 1e-40)
// were noise.
constexpr double matched_value_floor = 1e-12;

bool references_drawn(const Json& spectra) {
  return !spectra["gaussian"].is_null() && !spectra["laplace"].is_null() &&
         spectra["matched_value_at_half"].is_number() &&
         spectra["matched_value_at_half"].get<double>() >= matched_value_floor;
}

// "k  nngp  other_nngp  gaussian  laplace" for degrees k >= 0 (the figure
// leaves out k = 0 on a logarithmic degree axis); the references '?' when
// they are not drawn.
std::string spectra_table(const Json& result) {
  const Json& s = result["spectra"];
  const Json& other = result["comparison"]["spectra"];
  const bool references = references_drawn(s);
  std::ostringstream out;
  for (std::size_t k = 0; k < s["nngp"]["eigenvalues"].size(); ++k)
    out << k << ' ' << eigenvalue_cell(s["nngp"], k) << ' ' << eigenvalue_cell(other["nngp"], k)
        << ' ' << (references ? eigenvalue_cell(s["gaussian"], k) : "?") << ' '
        << (references ? eigenvalue_cell(s["laplace"], k) : "?") << '\n';
  return out.str();
}

std::string weights_label(const Json& block) {
  return block["network"] == "quasi" ? "binary weights, stochastic per example" : "real weights";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_kernel_figure(const Json& result) {
  Figure figure{
      "kernel.gp", {{"kernels", kernels_table(result)}, {"spectra", spectra_table(result)}}, {}};
  figure.parameters.text("act", result["act"].get<std::string>())
      .number("sw2", result["sw2"].get<double>())
      .number("sb2", result["sb2"].get<double>())
      .integer("depth", result["depth"].get<int>())
      .integer("dim", result["dim"].get<int>())
      .text("label", weights_label(result))
      .text("other_label", weights_label(result["comparison"]))
      .integer("references", references_drawn(result["spectra"]) ? 1 : 0)
      .number("matched_value_at_half",
              result["spectra"]["matched_value_at_half"].is_number()
                  ? result["spectra"]["matched_value_at_half"].get<double>()
                  : std::nan(""));
  return render_figure(figure);
}

}  // namespace qmf::cli
