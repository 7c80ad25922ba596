#include "figures/finite_width_figure.hpp"

#include <cmath>
#include <sstream>

#include "commands/finite_width_report.hpp"

namespace qmf::cli {

Figure finite_width_figure(const Study& st, const Json& out) {
  std::ostringstream depths;
  long long depth_points = 0;
  for (const auto& r : st.runs)
    if (std::isfinite(r.depth.ratio)) {
      const double se = std::isfinite(r.depth.ratio_se) ? r.depth.ratio_se : 0.0;
      depths << r.n << ' ' << format_number(r.depth.ratio) << ' ' << format_number(se) << '\n';
      ++depth_points;
    }
  Figure figure{"finite_width.gp",
                {{"points", width_rows(st, true)},
                 {"fits", std::string("# ") + fit_header + fit_rows(out["layers"], ' ', "NaN")},
                 {"depths", depths.str()}},
                {}};
  figure.parameters.text("act", out["act"].get<std::string>())
      .number("sw2", st.settings.init.sw2)
      .number("sb2", st.settings.init.sb2)
      .integer("depth", st.settings.depth)
      .integer("count", static_cast<long long>(st.runs.size()))
      .integer("depth_points", depth_points);
  std::string widths;
  for (const auto& r : st.runs) widths += (widths.empty() ? "" : " ") + std::to_string(r.n);
  figure.parameters.text("widths", widths);
  // "64 nets per width", or the counts when they differ from width to width.
  std::string nets = std::to_string(st.runs.front().nets);
  bool same = true;
  for (const auto& r : st.runs) same = same && r.nets == st.runs.front().nets;
  if (!same) {
    nets.clear();
    for (const auto& r : st.runs) nets += (nets.empty() ? "" : ", ") + std::to_string(r.nets);
  }
  figure.parameters.text("nets", same ? nets + " nets per width" : "nets per width " + nets);
  return figure;
}

}  // namespace qmf::cli
