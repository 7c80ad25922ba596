#include "figures/finite_width_figure.hpp"

#include <cmath>
#include <sstream>

#include "commands/finite_width_report.hpp"

namespace qmf::cli {

Figure finite_width_figure(const Study& st, const Json& out) {
  std::ostringstream depths;
  long long depth_points = 0;
  long long unbootstrapped = 0;  // ratios without a bootstrap error (an open circle)
  for (const auto& r : st.runs)
    if (std::isfinite(r.depth.ratio)) {
      const double se = std::isfinite(r.depth.ratio_se) ? r.depth.ratio_se : 0.0;
      depths << r.n << ' ' << format_number(r.depth.ratio) << ' ' << format_number(se) << '\n';
      ++depth_points;
      if (se == 0.0) ++unbootstrapped;
    }
  Figure figure{"finite_width.gp",
                {{"residuals", length_residual_rows(st, st.settings.depth)},
                 {"fits", std::string("# ") + fit_header + fit_rows(out["layers"], ' ', "NaN")},
                 {"depths", depths.str()}},
                {}};
  figure.parameters.text("act", st.act)
      .number("sw2", st.settings.init.sw2)
      .number("sb2", st.settings.init.sb2)
      .integer("depth", st.settings.depth)
      .integer("count", static_cast<long long>(st.runs.size()))
      .integer("depth_points", depth_points)
      .integer("unbootstrapped", unbootstrapped);
  // Widths without a ratio (the nets' d has no decay length on the window):
  // named in the key, rather than simply absent from the panel.
  std::string missing;
  for (const auto& r : st.runs)
    if (!std::isfinite(r.depth.ratio)) {  // (appended in two steps: GCC 12 warns, -Wrestrict)
      if (!missing.empty()) missing += ", ";
      missing += std::to_string(r.n);
    }
  if (!missing.empty() && depth_points > 0)
    figure.parameters.text("missing_widths",
                           "no ratio at n = " + missing + ": no decay length on layers " +
                               std::to_string(st.xi_first) + "–" + std::to_string(st.xi_last));
  // Without a mean-field decay length no width has a ratio: the panel says why.
  if (st.runs.front().depth.mf_gap != DecayGap::none)
    figure.parameters.text("depth_note",
                           "the mean-field d = c_b − c_a has no\ndecay length on layers " +
                               std::to_string(st.xi_first) + "–" + std::to_string(st.xi_last));
  const Json& deepest = out["layers"].back()["q"]["chi2_per_dof"];
  figure.parameters.number("chi2_last", deepest.is_number() ? deepest.get<double>() : NAN);
  std::string widths;
  for (const auto& r : st.runs) {  // (not "" or " " + to_string: GCC 12 warns, -Wrestrict)
    if (!widths.empty()) widths += ' ';
    widths += std::to_string(r.n);
  }
  figure.parameters.text("widths", widths);
  // "64 nets per width", or "16384 to 8 nets per width" (first and last width's).
  const int first = st.runs.front().nets, last = st.runs.back().nets;
  bool same = true;
  for (const auto& r : st.runs) same = same && r.nets == first;
  figure.parameters.text("nets", (same ? std::to_string(first)
                                       : std::to_string(first) + " to " + std::to_string(last)) +
                                     " nets per width");
  return figure;
}

}  // namespace qmf::cli
