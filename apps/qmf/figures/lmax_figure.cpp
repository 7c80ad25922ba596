#include "figures/lmax_figure.hpp"

#include <sstream>

#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

// "N+1  1-chi_max  D~_opt  [1-chi_c at sb2]", with '?' (gnuplot's missing
// value) for N = 2's D~; the last column with --sb2 > 0 (the same N in order).
std::string rows_table(const Json& result) {
  const Json& rows = result["rows"];
  const Json* biased = result.contains("fixed_quantizer") ? &result["fixed_quantizer"] : nullptr;
  std::ostringstream out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    out << row["N"].get<int>() + 1 << ' ' << format_number(row["one_minus_chi_max"].get<double>())
        << ' '
        << (row["dtilde_opt"].is_null() ? "?" : format_number(row["dtilde_opt"].get<double>()));
    if (biased) out << ' ' << format_number(1.0 - (*biased)[i]["chi_c"].get<double>());
    out << '\n';
  }
  return out.str();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_lmax_figure(const Json& result) {
  Figure figure{"lmax.gp", {{"rows", rows_table(result)}}, {}};
  auto& p = figure.parameters;
  if (result.contains("fixed_quantizer")) p.number("sb2", result["sb2"].get<double>());
  p.text("family", result["family"].get<std::string>()).number("k", result.value("k", 6.0));
  // The reference curves: the paper's fits (uniform, up to N = 1025), or the
  // high-resolution limits for the --exponents study (up to N = 10^6).
  const bool asymptotic = result["rows"].front().contains("local_exponent");
  p.text("reference", asymptotic                      ? "asymptotic"
                      : result["family"] == "uniform" ? "published"
                                                      : "none");
  for (const char* fit : {"fit", "dtilde_fit"}) {
    if (!result.contains(fit)) continue;
    p.number(std::string(fit) + "_intercept", result[fit]["intercept"].get<double>())
        .number(std::string(fit) + "_slope", result[fit]["slope"].get<double>());
  }
  return render_figure(figure);
}

}  // namespace qmf::cli
