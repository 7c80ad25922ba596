#include "figures/lmax_figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "figures/figure.hpp"

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

// The N + 1 axis: a little beyond the data on both sides, in powers of ten.
std::string x_axis(const Json& rows) {
  int lo = rows.front()["N"].get<int>();
  int hi = lo;
  for (const auto& row : rows) {
    lo = std::min(lo, row["N"].get<int>());
    hi = std::max(hi, row["N"].get<int>());
  }
  std::ostringstream out;
  out << "set xrange [" << (lo + 1) / 1.3 << ":" << (hi + 1) * 1.3 << "]\n"
      << "set format x '10^{%L}'\nset xlabel 'number of levels + 1,  N + 1'\n";
  return out.str();
}

// 1 - chi_max spans whole decades of the left axis. Its right-hand axis
// reads the same heights as L_max = k xi_max = -k / ln(1 - y); gnuplot cannot
// link a nonlinear axis to a logarithmic one, so the L_max ticks are placed
// by hand at y = 1 - exp(-k / L) on a copy of the left axis.
std::string one_minus_chi_axes(const Json& rows, double k) {
  double lo = 1.0;
  double hi = 0.0;
  for (const auto& row : rows) {
    lo = std::min(lo, row["one_minus_chi_max"].get<double>());
    hi = std::max(hi, row["one_minus_chi_max"].get<double>());
  }
  lo = std::pow(10.0, std::floor(std::log10(lo / 3)));
  hi = std::min(1.0, std::pow(10.0, std::ceil(std::log10(hi * 3))));
  std::ostringstream out;
  out << "set yrange [" << lo << ":" << hi << "]\nset y2range [" << lo << ":" << hi << "]\n"
      << "set logscale y2\nset y2tics out nomirror (";
  std::vector<int> decades;  // of L_max within the axis
  for (int decade = 0; decade <= 15; ++decade) {
    const double y = -std::expm1(-k / std::pow(10.0, decade));
    if (y >= lo && y <= hi) decades.push_back(decade);
  }
  const std::size_t stride = (decades.size() + 6) / 7;  // at most seven labels
  for (std::size_t i = 0; i < decades.size(); i += stride)
    out << (i ? ", " : "") << "'10^{" << decades[i] << "}' "
        << format_number(-std::expm1(-k / std::pow(10.0, decades[i])));
  out << ")\nset ylabel '1 - χ_{max}'\nset y2label 'L_{max} = " << k << " ξ_{max} (layers)'\n";
  return out.str();
}

// A fitted power law exp(intercept) x^slope as a gnuplot plot element.
std::string fitted_line(const Json& fit) {
  char label[160];
  std::snprintf(label, sizeof label, "fit: %.4g (N+1)^{%.4f}",
                std::exp(fit["intercept"].get<double>()), fit["slope"].get<double>());
  std::ostringstream out;
  out << "exp(" << format_number(fit["intercept"].get<double>()) << ") * x**("
      << format_number(fit["slope"].get<double>()) << ") with lines lw 2.5 lc rgb '#d62728' title "
      << gnuplot_quote(label);
  return out.str();
}

// The published fits (Blumenfeld, Gilboa and Soudry 2019, theory.md section 3).
constexpr const char* published_one_minus_chi =
    "exp(0.7100) * x**(-1.8172) with lines dt 2 lw 2.5 lc rgb '#555555' title "
    "'published: 2.034 (N+1)^{-1.8172}'";
constexpr const char* published_dtilde =
    "exp(1.4025) * x**(-0.879) with lines dt 2 lw 2.5 lc rgb '#555555' title "
    "'published: 4.065 (N+1)^{-0.879}'";

// Leading-order high-resolution limits in N = x - 1 (README "L_max(N)"):
// uniform: 1 - chi_max ~ (4/3) ln N / N^2, D~_opt ~ 4 sqrt(ln N) / N (Hui and
// Neuhoff); Lloyd-Max: 1 - chi_max ~ (sqrt(3) pi / 2) / N^2 (Panter and
// Dite), central spacing D~_opt ~ sqrt(6 pi) / N.
struct Asymptotes {
  const char* one_minus_chi;
  const char* dtilde;
};
constexpr Asymptotes uniform_asymptotes = {
    "(4.0/3) * log(x-1) / (x-1)**2 with lines dt 4 lw 2.5 lc rgb '#2ca02c' title "
    "'Hui–Neuhoff: (4/3) ln N / N^2'",
    "4 * sqrt(log(x-1)) / (x-1) with lines dt 4 lw 2.5 lc rgb '#2ca02c' title "
    "'Hui–Neuhoff: 4 (ln N)^{1/2} / N'"};
constexpr Asymptotes lloyd_asymptotes = {
    "(sqrt(3)*pi/2) / (x-1)**2 with lines dt 4 lw 2.5 lc rgb '#2ca02c' title "
    "'Panter–Dite: (3^{1/2} π/2) / N^2'",
    "sqrt(6*pi) / (x-1) with lines dt 4 lw 2.5 lc rgb '#2ca02c' title "
    "'Panter–Dite: (6π)^{1/2} / N'"};

// One panel: the reference curves, then the exact values of `column` on top
// (filled: the svg terminal draws the outlines of open points hairline-thin).
std::string panel(const std::vector<std::string>& references, int column) {
  std::ostringstream out;
  out << "plot ";
  for (const auto& reference : references) out << reference << ", ";
  out << "'rows.dat' using 1:" << column
      << " with points pt 7 ps 1.4*point_unit lc rgb '#1f77b4' title 'exact (qmf)'\n";
  return out.str();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_lmax_figure(const Json& result) {
  const bool lloyd = result["family"] == "lloyd";
  const Json& rows = result["rows"];
  // The --exponents study reaches N = 10^6: there the limits are the reference.
  const bool asymptotic = rows.front().contains("local_exponent");
  const Asymptotes& limits = lloyd ? lloyd_asymptotes : uniform_asymptotes;
  const double k = result.value("k", 6.0);
  std::ostringstream gp;
  gp << "set datafile missing '?'\nset multiplot\nset label 1 "
     << gnuplot_quote(std::string("Depth–quantization trade-off, ") +
                      (lloyd ? "Lloyd–Max" : "uniform") + " N-level activation, σ_b = 0")
     << " at screen 0.5,0.965 center\n"
     << "set logscale xy\nset grid\nset tics out nomirror\nset format y '10^{%L}'\n"
     << "key_font = sprintf(',%g', 0.86*font_size)\n"
     << "set key bottom left Left reverse width -6 samplen 1.5 spacing 1.1 font key_font\n"
     << "set bmargin at screen 0.12\nset tmargin at screen 0.91\n"
     << x_axis(rows);
  // Which reference curves: the paper's fits up to N = 1025, the
  // high-resolution limits for the --exponents study (up to N = 10^6).
  std::vector<std::string> left;
  std::vector<std::string> right;
  if (result.contains("fit")) left.push_back(fitted_line(result["fit"]));
  if (result.contains("dtilde_fit")) right.push_back(fitted_line(result["dtilde_fit"]));
  if (asymptotic) {
    left.emplace_back(limits.one_minus_chi);
    right.emplace_back(limits.dtilde);
  } else if (!lloyd) {
    left.emplace_back(published_one_minus_chi);
    right.emplace_back(published_dtilde);
  }
  // Left: 1 - chi_max, and on the right-hand axis the trainable depth
  // L_max = k xi_max = -k / ln(chi_max) it implies.
  gp << "set lmargin at screen 0.115\nset rmargin at screen 0.41\n"
     << one_minus_chi_axes(rows, k) << panel(left, 2);
  // Right: the optimal threshold spacing in units of sqrt(q*).
  gp << "unset y2label\nunset y2tics\nset autoscale y\nunset label 1\n"
     << "set lmargin at screen 0.66\nset rmargin at screen 0.96\n"
     << "set ylabel 'optimal spacing D̃_{opt} = D / √q^*'\n"
     << panel(right, 3);
  gp << "unset multiplot\n";
  return render_figure(gp.str(), {{"rows.dat", rows_table(rows)}});
}

}  // namespace qmf::cli
