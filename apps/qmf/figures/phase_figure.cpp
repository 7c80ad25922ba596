#include "figures/phase_figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "cli/output.hpp"
#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

struct ColourRange {
  double lo = 1.0;
  double hi = 10.0;
  bool capped = false;  // larger values exist and get the top colour
};

// The range of the finite depth scales. For a smooth activation xi_c diverges
// on the order-chaos line, so its largest grid values only say how close a
// grid point came to the line; the colours then stop at the 98th percentile,
// which leaves the whole ridge bright instead of a few cells.
ColourRange xi_range(const PhaseDiagram& diagram, bool diverges) {
  std::vector<double> xi;
  for (const auto& p : diagram.points)
    if (p.has_values() && std::isfinite(p.xi_c) && p.xi_c > 0.0) xi.push_back(p.xi_c);
  if (xi.empty()) return {};  // nothing to colour: any valid log range
  const auto [lo, hi] = std::minmax_element(xi.begin(), xi.end());
  ColourRange range{*lo, *hi, false};
  if (diverges) {
    auto cap = xi.begin() + static_cast<std::ptrdiff_t>(0.98 * static_cast<double>(xi.size() - 1));
    std::nth_element(xi.begin(), cap, xi.end());
    range.capped = *cap < range.hi;
    range.hi = *cap;
  }
  range.hi = std::max(range.hi, range.lo * 1.01);
  return range;
}

// Tick marks for the logarithmic colour bar: the 1-2-5 sequence when the
// range spans a decade or more, finer mantissas when it is narrower (a
// quantizer with few levels has xi_c within a factor of two everywhere).
std::string colour_ticks(const ColourRange& range) {
  const std::vector<std::vector<double>> mantissas = {
      {1, 2, 5}, {1, 1.5, 2, 3, 5, 7}, {1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9}};
  // A capped range labels its top itself; keep the other labels clear of it.
  const double top = range.capped ? range.hi / 1.5 : range.hi;
  std::vector<double> ticks;
  for (const auto& set : mantissas) {
    ticks.clear();
    for (int decade = static_cast<int>(std::floor(std::log10(range.lo)));
         decade <= static_cast<int>(std::ceil(std::log10(range.hi))); ++decade)
      for (double m : set) {
        const double t = m * std::pow(10.0, decade);
        if (t >= range.lo && t <= top) ticks.push_back(t);
      }
    if (ticks.size() >= 4) break;
  }
  // A degenerate range (every xi_c within 1 % of the others) can leave no
  // mantissa inside it: then its lower end is the one tick.
  if (ticks.empty() && !range.capped) ticks.push_back(range.lo);
  std::ostringstream out;
  out << "set cbtics (";
  for (std::size_t i = 0; i < ticks.size(); ++i) out << (i ? ", " : "") << ticks[i];
  if (range.capped) {
    char label[64];
    std::snprintf(label, sizeof label, "%s'≥ %.3g' %.17g", ticks.empty() ? "" : ", ", range.hi,
                  range.hi);
    out << label;
  }
  out << ")\n";
  return out.str();
}

// Scanlines separated by blank lines, as `with image` expects. Cells without
// values get the lowest colour: the status cells cover them.
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

struct StatusStyle {
  PhaseStatus status;
  const char* file;
  const char* fill;  // gnuplot colour and fill style of the cells
  const char* key;   // the same for the key, where white hatching would not show
  const char* meaning;
};

// Opaque greys where the length map has no finite fixed point (nothing to
// colour); hatching where several stable ones coexist, so that the colour
// beneath (the fixed point reached from q0 = 1) stays visible.
constexpr StatusStyle status_styles[] = {
    {PhaseStatus::collapsed, "collapsed.dat", "lc rgb '#aaaaaa' fs solid 1 noborder",
     "lc rgb '#aaaaaa' fs solid 1 noborder", "q^* → 0 (collapse)"},
    {PhaseStatus::diverged, "diverged.dat", "lc rgb '#5a5a5a' fs solid 1 noborder",
     "lc rgb '#5a5a5a' fs solid 1 noborder", "q^* → ∞"},
    {PhaseStatus::failed, "failed.dat", "lc rgb 'black' fs solid 1 noborder",
     "lc rgb 'black' fs solid 1 noborder", "no fixed point found"},
    {PhaseStatus::multistable, "multistable.dat",
     "lc rgb 'white' fs transparent pattern 5 noborder",
     "lc rgb 'gray30' fs pattern 5 border lc rgb 'gray30'", "several stable q^*"},
};

// Half the spacing of a grid axis: the half-width of its cells.
double half_step(const std::vector<double>& axis) {
  return axis.size() > 1 ? 0.5 * (axis[1] - axis[0]) : 0.5;
}

// The extent of the cells around the grid points, so that the heat map
// fills the plot exactly (an svg image is not clipped at the border).
std::string axis_range(const std::vector<double>& axis) {
  const double pad = half_step(axis);
  std::ostringstream range;
  range << '[' << format_number(axis.front() - pad) << ':' << format_number(axis.back() + pad)
        << ']';
  return range.str();
}

// Rectangles of grid cells, in cell indices (both ends included).
struct CellBlock {
  std::size_t i0, i1, j0, j1;
};

// The cells with `status` as few rectangles: runs along each row, stacked
// while the next row repeats the same run (adjacent boxes would show seams).
std::vector<CellBlock> status_blocks(const PhaseDiagram& diagram, PhaseStatus status) {
  const std::size_t columns = diagram.sw2.size();
  std::vector<CellBlock> blocks;
  std::vector<std::size_t> open;  // blocks that reach the previous row
  for (std::size_t j = 0; j < diagram.sb2.size(); ++j) {
    std::vector<std::size_t> still_open;
    const auto has = [&](std::size_t i) {
      return diagram.points[j * columns + i].status == status;
    };
    for (std::size_t i = 0; i < columns; ++i) {
      if (!has(i)) continue;
      const std::size_t first = i;
      while (i + 1 < columns && has(i + 1)) ++i;
      const auto same = std::find_if(open.begin(), open.end(), [&](std::size_t b) {
        return blocks[b].i0 == first && blocks[b].i1 == i;
      });
      if (same != open.end()) {
        blocks[*same].j1 = j;
        still_open.push_back(*same);
      } else {
        blocks.push_back({first, i, j, j});
        still_open.push_back(blocks.size() - 1);
      }
    }
    open = std::move(still_open);
  }
  return blocks;
}

// "x y dx dy" (boxxyerror) for the cells with `status`, empty if none.
std::string status_cells(const PhaseDiagram& diagram, PhaseStatus status) {
  const double dx = half_step(diagram.sw2);
  const double dy = half_step(diagram.sb2);
  std::ostringstream out;
  for (const auto& b : status_blocks(diagram, status))
    out << format_number(0.5 * (diagram.sw2[b.i0] + diagram.sw2[b.i1])) << ' '
        << format_number(0.5 * (diagram.sb2[b.j0] + diagram.sb2[b.j1])) << ' '
        << format_number(0.5 * (diagram.sw2[b.i1] - diagram.sw2[b.i0]) + dx) << ' '
        << format_number(0.5 * (diagram.sb2[b.j1] - diagram.sb2[b.j0]) + dy) << '\n';
  return out.str();
}

std::string line_data(const std::vector<CriticalLinePoint>& line) {
  std::ostringstream out;
  for (const auto& p : line) out << format_number(p.sw2) << ' ' << format_number(p.sb2) << '\n';
  return out.str();
}

// The critical line and, for step activations, its point of largest depth
// scale. Returns {the optimum in words for the title (steps only), plot elements}.
std::pair<std::string, std::string> line_plot(const PhaseFigureInput& in,
                                              std::vector<DataFile>& data) {
  if (in.line.empty()) return {};
  data.emplace_back("line.dat", line_data(in.line));
  // A line found at a single sigma_b^2 (relu: only at sigma_b^2 = 0) is a point.
  const char* style = in.line.size() > 1 ? "lines lw 3" : "points pt 7 ps 2*point_unit";
  std::ostringstream plot;
  plot << ", 'line.dat' using 1:2 with " << style << " lc rgb '#ff3030' title "
       << (in.step ? "'largest ξ_c at each σ@_b^2'" : "'order–chaos line χ_1 = 1'");
  if (!in.step) return {"", plot.str()};
  const auto best = *std::max_element(in.line.begin(), in.line.end(),
                                      [](const auto& a, const auto& b) { return a.xi_c < b.xi_c; });
  data.emplace_back("optimum.dat", format_number(best.sw2) + ' ' + format_number(best.sb2) + '\n');
  plot << ", 'optimum.dat' using 1:2 with points pt 5 ps 3.2*point_unit lc rgb 'white' notitle"
       << ", 'optimum.dat' using 1:2 with points pt 5 ps 2.2*point_unit lc rgb '#ff3030' title "
          "'largest ξ_c overall'";
  char text[160];
  std::snprintf(text, sizeof text, ": largest ξ_c = %.3g at σ@_w^2 = %.3g, σ@_b^2 = %.3g",
                best.xi_c, best.sw2, best.sb2);
  return {text, plot.str()};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_phase_figure(const PhaseFigureInput& in) {
  const auto& d = in.diagram;
  const ColourRange range = xi_range(d, !in.step);
  std::vector<DataFile> data = {{"xi.dat", heat_map_data(d, range)}};
  const auto line = line_plot(in, data);
  std::ostringstream gp;
  // The key sits between the title and the plot, so it never hides the map
  // or the line (which leaves through the top edge).
  gp << "set label 1 " << gnuplot_quote("Phase diagram of " + in.act + line.first)
     << " at screen 0.46,0.965 center\n"
     << "set xlabel 'weight variance σ@_w^2'\nset ylabel 'bias variance σ@_b^2'\n"
     << "set cblabel 'correlation depth scale ξ_c (layers)' offset 1,0\n"
     << "set logscale cb\nset cbrange [" << format_number(range.lo) << ":"
     << format_number(range.hi) << "]\nset format cb '%g'\n"
     << colour_ticks(range) << "set colorbox user origin graph 1.03,0 size graph 0.04,1\n"
     << "set lmargin at screen 0.12\nset rmargin at screen 0.80\n"
     << "set bmargin at screen 0.13\nset tmargin at screen 0.80\n"
     << "set key at screen 0.46,0.87 center center horizontal maxcols 2 samplen 1.5 width -2\n"
     << "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n"
     << "set xrange " << axis_range(d.sw2) << "\nset yrange " << axis_range(d.sb2)
     << "\nset tics out nomirror\n"
     << "plot 'xi.dat' using 1:2:3 with image notitle";
  for (const auto& style : status_styles) {
    const std::string cells = status_cells(d, style.status);
    if (cells.empty()) continue;
    data.emplace_back(style.file, cells);
    gp << ", '" << style.file << "' using 1:2:3:4 with boxxyerror " << style.fill
       << " notitle, keyentry with boxes " << style.key << " title "
       << gnuplot_quote(style.meaning);
  }
  gp << line.second << "\n";
  return render_figure(gp.str(), data);
}

}  // namespace qmf::cli
