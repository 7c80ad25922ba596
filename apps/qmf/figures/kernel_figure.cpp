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

// "k  nngp  other_nngp  gaussian  laplace" for degrees k >= 1.
std::string spectra_table(const Json& result) {
  const Json& s = result["spectra"];
  const Json& other = result["comparison"]["spectra"];
  std::ostringstream out;
  for (std::size_t k = 1; k < s["nngp"]["eigenvalues"].size(); ++k)
    out << k << ' ' << eigenvalue_cell(s["nngp"], k) << ' ' << eigenvalue_cell(other["nngp"], k)
        << ' ' << eigenvalue_cell(s["gaussian"], k) << ' ' << eigenvalue_cell(s["laplace"], k)
        << '\n';
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
      .text("other_label", weights_label(result["comparison"]));
  return render_figure(figure);
}

}  // namespace qmf::cli
