#include "figures/phase_figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <utility>
#include <vector>

#include "cli/grid_range.hpp"
#include "cli/output.hpp"
#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

// A depth scale that is a number: finite and positive.
bool finite_xi(const PhasePoint& p) {
  return p.has_values() && std::isfinite(p.xi_c) && p.xi_c > 0.0;
}

// An infinite depth scale (chi_c = 1 exactly: relu at sw2 = 2, sb2 = 0): no
// colour of the scale fits, so the figures mark these cells as a status.
bool infinite_xi(const PhasePoint& p) {
  return p.has_values() && std::isinf(p.xi_c) && p.xi_c > 0.0;
}

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
    if (finite_xi(p)) xi.push_back(p.xi_c);
  if (xi.empty()) return {};  // nothing to colour: any valid log range
  // (lo = hi when xi_c is constant: the figure script gives it one colour)
  const auto [lo, hi] = std::minmax_element(xi.begin(), xi.end());
  ColourRange range{*lo, *hi, false};
  if (diverges) {
    auto cap = xi.begin() + static_cast<std::ptrdiff_t>(0.98 * static_cast<double>(xi.size() - 1));
    std::nth_element(xi.begin(), cap, xi.end());
    range.capped = *cap < range.hi;
    range.hi = *cap;
  }
  return range;
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

// Rectangles of grid cells, in cell indices (both ends included).
struct CellBlock {
  std::size_t i0, i1, j0, j1;
};

using CellTest = std::function<bool(const PhasePoint&)>;

// The cells that pass `test` as few rectangles: runs along each row, stacked
// while the next row repeats the same run (adjacent boxes would show seams).
std::vector<CellBlock> status_blocks(const PhaseDiagram& diagram, const CellTest& test) {
  const std::size_t columns = diagram.sw2.size();
  std::vector<CellBlock> blocks;
  std::vector<std::size_t> open;  // blocks that reach the previous row
  for (std::size_t j = 0; j < diagram.sb2.size(); ++j) {
    std::vector<std::size_t> still_open;
    const auto has = [&](std::size_t i) { return test(diagram.points[j * columns + i]); };
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

// "x y dx dy" (boxxyerror) for the cells that pass `test`, empty if none.
std::string status_cells(const PhaseDiagram& diagram, const CellTest& test) {
  const double dx = half_step(diagram.sw2);
  const double dy = half_step(diagram.sb2);
  std::ostringstream out;
  for (const auto& b : status_blocks(diagram, test))
    out << format_number(0.5 * (diagram.sw2[b.i0] + diagram.sw2[b.i1])) << ' '
        << format_number(0.5 * (diagram.sb2[b.j0] + diagram.sb2[b.j1])) << ' '
        << format_number(0.5 * (diagram.sw2[b.i1] - diagram.sw2[b.i0]) + dx) << ' '
        << format_number(0.5 * (diagram.sb2[b.j1] - diagram.sb2[b.j0]) + dy) << '\n';
  return out.str();
}

// The line's points "sw2 sb2 reached" (reached: 1 where the grid's start q0
// = 1 leads to the line's q*), with a blank line (a break in gnuplot's line)
// wherever a searched sb2 between two points has none: the line is not drawn
// across a range where it does not exist (gelu below sb2 ~ 0.17).
std::string line_data(const PhaseFigureInput& in) {
  std::ostringstream out;
  auto next = in.line_sb2.begin();
  for (std::size_t k = 0; k < in.line.size(); ++k) {
    const auto& p = in.line[k];
    bool gap = false;
    for (; next != in.line_sb2.end() && *next < p.sb2; ++next) gap = true;
    if (next != in.line_sb2.end()) ++next;  // p's own sb2
    if (gap && k > 0) out << '\n';
    out << format_number(p.sw2) << ' ' << format_number(p.sb2) << ' '
        << reaches_line_branch(p, in.line_from_q0[k]) << '\n';
  }
  return out.str();
}

// What the length map does from q0 = 1 at a point off the line's branch, for
// the figure's title (gnuplot's enhanced text): "q collapses to 0", or "q
// settles at q^* = 0.53".
std::string fate_from_q0(const PhasePoint& from_q0) {
  switch (from_q0.status) {
    case PhaseStatus::collapsed:
      return "q collapses to 0";
    case PhaseStatus::diverged:
      return "q diverges";
    case PhaseStatus::failed:
      return "the length map finds no fixed point";
    case PhaseStatus::ok:
    case PhaseStatus::multistable:
      break;
  }
  char text[64];
  std::snprintf(text, sizeof text, "q settles at q^* = %.3g", from_q0.q_star);
  return text;
}

// The extent of the cells around the grid points: {first - half step, last + half step}.
std::pair<double, double> cell_extent(const std::vector<double>& axis) {
  const double pad = half_step(axis);
  return {axis.front() - pad, axis.back() + pad};
}

const PhaseStatus marked_statuses[] = {PhaseStatus::collapsed, PhaseStatus::diverged,
                                       PhaseStatus::failed, PhaseStatus::multistable};

// What both phase figures share: the activation, the kind of critical line,
// a data file of cell rectangles for every status present, and one
// ("infinite") of the cells with xi_c = inf.
Figure phase_figure_base(const PhaseFigureInput& in, const char* script) {
  Figure figure{script, {}, {}};
  figure.parameters.text("act", in.act).integer("step", in.step);
  if (!in.weights.empty()) figure.parameters.text("weights", in.weights);
  for (const PhaseStatus status : marked_statuses) {
    std::string cells =
        status_cells(in.diagram, [status](const PhasePoint& p) { return p.status == status; });
    if (!cells.empty()) figure.data.emplace_back(std::string(to_string(status)), std::move(cells));
  }
  std::string infinite = status_cells(in.diagram, infinite_xi);
  if (!infinite.empty()) figure.data.emplace_back("infinite", std::move(infinite));
  return figure;
}

// The heat map over a two-dimensional grid, with the critical line and, for
// step activations, its point of largest depth scale.
Figure map_figure(const PhaseFigureInput& in) {
  const auto& d = in.diagram;
  const ColourRange range = xi_range(d, !in.step);
  Figure figure = phase_figure_base(in, "phase.gp");
  figure.data.emplace_back("xi", heat_map_data(d, range));
  const auto [x_lo, x_hi] = cell_extent(d.sw2);
  const auto [y_lo, y_hi] = cell_extent(d.sb2);
  figure.parameters.integer("values", std::count_if(d.points.begin(), d.points.end(), finite_xi))
      .number("cb_lo", range.lo)
      .number("cb_hi", range.hi)
      .integer("capped", range.capped)
      .number("x_lo", x_lo)
      .number("x_hi", x_hi)
      .number("y_lo", y_lo)
      .number("y_hi", y_hi);
  if (in.line.empty()) return figure;
  figure.data.emplace_back("line", line_data(in));
  if (!in.step) return figure;
  const auto best = std::max_element(in.line.begin(), in.line.end(),
                                     [](const auto& a, const auto& b) { return a.xi_c < b.xi_c; });
  figure.data.emplace_back("optimum",
                           format_number(best->sw2) + ' ' + format_number(best->sb2) + '\n');
  figure.parameters.number("best_xi", best->xi_c)
      .number("best_sw2", best->sw2)
      .number("best_sb2", best->sb2)
      .number("best_q_star", best->q_star);
  // The grid's colours there belong to another branch: the title says so.
  const auto& from_q0 = in.line_from_q0[static_cast<std::size_t>(best - in.line.begin())];
  if (!reaches_line_branch(*best, from_q0))
    figure.parameters.text("best_from_q0", fate_from_q0(from_q0));
  return figure;
}

// xi_c against the one variance that varies (sigma_w^2 if neither does):
// "x xi_c", with '?' (gnuplot's missing value) where xi_c has no finite value.
Figure sweep_figure(const PhaseFigureInput& in) {
  const auto& d = in.diagram;
  const bool along_sw2 = d.sw2.size() > 1 || d.sb2.size() == 1;
  const std::vector<double>& x = along_sw2 ? d.sw2 : d.sb2;
  Figure figure = phase_figure_base(in, "phase_sweep.gp");
  std::ostringstream sweep;
  int values = 0;
  for (std::size_t i = 0; i < d.points.size(); ++i) {
    const auto& p = d.points[i];
    const bool finite = finite_xi(p);
    values += finite;
    sweep << format_number(x[i]) << ' ' << (finite ? format_number(p.xi_c) : "?") << '\n';
  }
  figure.data.emplace_back("sweep", sweep.str());
  const auto [x_lo, x_hi] = cell_extent(x);
  figure.parameters.integer("values", values)
      .text("swept", along_sw2 ? "sw2" : "sb2")
      .number("fixed", along_sw2 ? d.sb2.front() : d.sw2.front())
      .number("x_lo", x_lo)
      .number("x_hi", x_hi);
  // At a single sigma_b^2 the critical line is a single sigma_w^2.
  if (along_sw2 && !in.line.empty()) {
    figure.parameters.number("critical", in.line.front().sw2)
        .number("critical_xi", in.line.front().xi_c);
    if (!reaches_line_branch(in.line.front(), in.line_from_q0.front()))
      figure.parameters.number("critical_q_star", in.line.front().q_star)
          .text("critical_from_q0", fate_from_q0(in.line_from_q0.front()));
  }
  return figure;
}

}  // namespace

const char* phase_figure_script(std::size_t sw2_count, std::size_t sb2_count) {
  return sw2_count == 1 || sb2_count == 1 ? "phase_sweep.gp" : "phase.gp";
}

std::vector<std::pair<std::string, std::string>> render_phase_figure(const PhaseFigureInput& in) {
  const std::string script = phase_figure_script(in.diagram.sw2.size(), in.diagram.sb2.size());
  return render_figure(script == "phase.gp" ? map_figure(in) : sweep_figure(in));
}

}  // namespace qmf::cli
