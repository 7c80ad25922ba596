#include "phase_figure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "figure.hpp"
#include "output.hpp"

namespace qmf::cli {

namespace {

struct ColourRange {
  double lo = std::numeric_limits<double>::infinity();
  double hi = 0.0;
};

ColourRange xi_range(const PhaseDiagram& diagram) {
  ColourRange range;
  for (const auto& p : diagram.points) {
    if (!p.has_values() || !std::isfinite(p.xi_c) || !(p.xi_c > 0.0)) continue;
    range.lo = std::min(range.lo, p.xi_c);
    range.hi = std::max(range.hi, p.xi_c);
  }
  if (!(range.hi > 0.0)) return {1.0, 10.0};  // nothing to colour: any valid log range
  if (range.hi <= range.lo * 1.01) range.hi = range.lo * 1.01;
  return range;
}

// Scanlines separated by blank lines, as `with image` expects. Cells without
// values get the lowest colour: the mask image covers them.
std::string heat_map_data(const PhaseDiagram& diagram, const ColourRange& range) {
  std::ostringstream out;
  const std::size_t columns = diagram.sw2.size();
  for (std::size_t j = 0; j < diagram.sb2.size(); ++j) {
    for (std::size_t i = 0; i < columns; ++i) {
      const auto& p = diagram.points[j * columns + i];
      const double xi = p.has_values() ? std::clamp(p.xi_c, range.lo, range.hi) : range.lo;
      out << format_number(diagram.sw2[i]) << ' ' << format_number(diagram.sb2[j]) << ' '
          << format_number(xi) << '\n';
    }
    out << '\n';
  }
  return out.str();
}

// RGBA overlay: opaque grey where the length map has no finite fixed point,
// translucent white hatching-like veil where several stable ones coexist.
std::string mask_data(const PhaseDiagram& diagram) {
  std::ostringstream out;
  const std::size_t columns = diagram.sw2.size();
  for (std::size_t j = 0; j < diagram.sb2.size(); ++j) {
    for (std::size_t i = 0; i < columns; ++i) {
      const auto status = diagram.points[j * columns + i].status;
      const char* rgba = "0 0 0 0";
      if (status == PhaseStatus::collapsed) rgba = "150 150 150 255";
      if (status == PhaseStatus::diverged) rgba = "90 90 90 255";
      if (status == PhaseStatus::failed) rgba = "0 0 0 255";
      if (status == PhaseStatus::multistable) rgba = "255 255 255 150";
      out << format_number(diagram.sw2[i]) << ' ' << format_number(diagram.sb2[j]) << ' ' << rgba
          << '\n';
    }
    out << '\n';
  }
  return out.str();
}

bool has_status(const PhaseDiagram& diagram, PhaseStatus status) {
  return std::any_of(diagram.points.begin(), diagram.points.end(),
                     [&](const PhasePoint& p) { return p.status == status; });
}

std::string line_data(const std::vector<CriticalLinePoint>& line) {
  std::ostringstream out;
  for (const auto& p : line) out << format_number(p.sw2) << ' ' << format_number(p.sb2) << '\n';
  return out.str();
}

// The point of the step-activation line with the largest depth scale.
std::string optimum_data(const std::vector<CriticalLinePoint>& line) {
  const auto best = std::max_element(line.begin(), line.end(),
                                     [](const auto& a, const auto& b) { return a.xi_c < b.xi_c; });
  return format_number(best->sw2) + ' ' + format_number(best->sb2) + '\n';
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_phase_figure(const PhaseFigureInput& in) {
  const auto& d = in.diagram;
  const ColourRange range = xi_range(d);
  std::vector<DataFile> data = {{"xi.dat", heat_map_data(d, range)}, {"mask.dat", mask_data(d)}};
  std::ostringstream gp;
  gp << "set title " << gnuplot_quote("Phase diagram of " + in.act) << "\n"
     << "set xlabel 'weight variance σ@_w^2'\nset ylabel 'bias variance σ@_b^2'\n"
     << "set cblabel 'correlation depth scale ξ_c (layers)' offset 1,0\n"
     << "set logscale cb\nset cbrange [" << format_number(range.lo) << ":"
     << format_number(range.hi) << "]\n"
     << "set format cb '%g'\nset cbtics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, "
        "10000)\n"
     << "set colorbox user origin graph 1.03,0 size graph 0.04,1\n"
     << "set rmargin at screen 0.80\nset lmargin at screen 0.11\nset bmargin at screen 0.14\n"
     << "set tmargin at screen 0.90\n"
     << "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n"
     << "set xrange [" << format_number(d.sw2.front()) << ":" << format_number(d.sw2.back())
     << "]\nset yrange [" << format_number(d.sb2.front()) << ":" << format_number(d.sb2.back())
     << "]\nset tics out nomirror\nset key top right opaque box samplen 2\n"
     << "set style fill solid 1.0 noborder\n"
     << "plot 'xi.dat' using 1:2:3 with image notitle, "
        "'mask.dat' using 1:2:3:4:5:6 with rgbalpha notitle";
  if (has_status(d, PhaseStatus::collapsed))
    gp << ", keyentry with boxes lc rgb '#969696' title 'q^* → 0 (collapse)'";
  if (has_status(d, PhaseStatus::diverged))
    gp << ", keyentry with boxes lc rgb '#5a5a5a' title 'q^* → ∞'";
  if (has_status(d, PhaseStatus::failed))
    gp << ", keyentry with boxes lc rgb 'black' title 'no fixed point found'";
  if (has_status(d, PhaseStatus::multistable))
    gp << ", keyentry with boxes lc rgb '#d8d8d8' title 'several stable q^*'";
  if (!in.line.empty()) {
    data.emplace_back("line.dat", line_data(in.line));
    gp << ", 'line.dat' using 1:2 with lines lw 3 lc rgb '#ff4040' title "
       << (in.step ? "'best σ@_w^2 at each σ@_b^2'" : "'order-chaos line χ_1 = 1'");
    if (in.step) {
      data.emplace_back("optimum.dat", optimum_data(in.line));
      gp << ", 'optimum.dat' using 1:2 with points pt 7 ps 2.5 lc rgb 'white' notitle"
            ", 'optimum.dat' using 1:2 with points pt 7 ps 1.6 lc rgb '#ff4040' "
            "title 'largest ξ_c'";
    }
  }
  gp << "\n";
  return render_figure(gp.str(), data);
}

}  // namespace qmf::cli
