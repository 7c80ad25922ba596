#include "lmax_figure.hpp"

#include "figure.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace qmf::cli {

namespace {

// "N+1  1-chi_max  D~_opt", with '?' (gnuplot's missing value) for N = 2's D~.
std::string rows_table(const Json& rows) {
  std::ostringstream out;
  for (const auto& row : rows) {
    out << row["N"].get<int>() + 1 << ' ' << format_number(row["one_minus_chi_max"].get<double>())
        << ' '
        << (row["dtilde_opt"].is_null() ? "?" : format_number(row["dtilde_opt"].get<double>()))
        << '\n';
  }
  return out.str();
}

// A fitted power law exp(intercept) x^slope as a gnuplot plot element.
std::string fitted_line(const Json& fit, const std::string& label) {
  std::ostringstream out;
  out << ", exp(" << format_number(fit["intercept"].get<double>()) << ") * x**("
      << format_number(fit["slope"].get<double>()) << ") with lines lw 2 lc rgb '#d62728' title "
      << gnuplot_quote(label);
  return out.str();
}

std::string slope_label(const Json& fit) {
  char text[160];
  std::snprintf(text, sizeof text, "fit: %.4f (N+1)^{%.4f}",
                std::exp(fit["intercept"].get<double>()), fit["slope"].get<double>());
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_lmax_figure(const Json& result) {
  const bool lloyd = result["family"] == "lloyd";
  const std::string family = lloyd ? "Lloyd-Max" : "uniform";
  std::ostringstream script;
  script << "set datafile missing '?'\n"
         << "set multiplot layout 1,2 title "
         << gnuplot_quote("Depth-quantization trade-off, " + family +
                          " N-level activation ({/Symbol s}_b = 0)")
         << "\nset logscale xy\nset grid\nset format y '10^{%L}'\nset key top right font ',13' "
            "spacing 1.1\n"
         << "set xlabel 'N + 1 (number of levels + 1)'\n";
  // Left panel: 1 - chi_max, which sets xi_max = -1/ln chi_max ~ 1/(1 - chi_max).
  script
      << "set ylabel '1 - {/Symbol c}_{max}'\n"
      << "plot 'rows.dat' using 1:2 with points pt 7 ps 0.8 lc rgb '#1f77b4' title 'exact (qmf)'";
  if (result.contains("fit")) script << fitted_line(result["fit"], slope_label(result["fit"]));
  if (!lloyd)
    script << ", exp(0.7100) * x**(-1.8172) with lines dt 2 lw 2 lc rgb '#555555' title "
              "'published: 2.034 (N+1)^{-1.8172}'";
  script << "\n";
  // Right panel: the optimal threshold spacing in units of sqrt(q*).
  script
      << "set ylabel 'optimal spacing D\u0303_{opt} = D / \u221Aq*'\n"
      << "plot 'rows.dat' using 1:3 with points pt 7 ps 0.8 lc rgb '#1f77b4' title 'exact (qmf)'";
  if (result.contains("dtilde_fit"))
    script << fitted_line(result["dtilde_fit"], slope_label(result["dtilde_fit"]));
  if (!lloyd)
    script << ", exp(1.4025) * x**(-0.879) with lines dt 2 lw 2 lc rgb '#555555' title "
              "'published: 4.065 (N+1)^{-0.879}'";
  script << "\nunset multiplot\n";
  return render_figure(script.str(), {{"rows.dat", rows_table(result["rows"])}});
}

}  // namespace qmf::cli
