#include "figures/trainability_figure.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

// Diverged cells are drawn at chance: their predictions carry no information.
constexpr double chance = 0.1;

std::string cells_table(const TrainabilityPlot& p) {
  std::ostringstream out;
  for (const auto& cell : p.cells) {
    const bool diverged = cell["diverged"].get<bool>();
    out << cell["depth"].get<int>() << ' ' << format_number(cell["y"].get<double>()) << ' '
        << format_number(diverged ? chance : cell["test_accuracy"].get<double>()) << ' '
        << format_number(p.half_width) << ' ' << format_number(p.half_height) << ' '
        << (diverged ? 1 : 0) << '\n';
  }
  return out.str();
}

std::string curves_table(const Json& xi_curve) {
  std::ostringstream out;
  for (const auto& row : xi_curve) {
    out << format_number(row["y"].get<double>());
    for (const double k : {4.0, 6.0, 9.0}) out << ' ' << format_number(k * row["xi"].get<double>());
    out << '\n';
  }
  return out.str();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_trainability_figure(
    const TrainabilityPlot& p) {
  double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
  for (const auto& cell : p.cells) {
    xmin = std::min(xmin, cell["depth"].get<double>() - p.half_width);
    xmax = std::max(xmax, cell["depth"].get<double>() + p.half_width);
    ymin = std::min(ymin, cell["y"].get<double>() - p.half_height);
    ymax = std::max(ymax, cell["y"].get<double>() + p.half_height);
  }
  // Key entries only for what is drawn: a diverged cell, a k xi curve
  // reaching into the depth range (review K, 13).
  bool diverged = false;
  for (const auto& cell : p.cells) diverged = diverged || cell["diverged"].get<bool>();
  const auto key = [&](double k) {
    for (const auto& row : p.xi_curve)
      if (const double depth = k * row["xi"].get<double>(); depth >= xmin && depth <= xmax)
        return "L = " + format_number(k) + " ξ";
    return std::string();
  };
  // When no k xi curve reaches into the depths, a note says where they lie
  // (they vanished from the figure and the key without a word; review T 12).
  std::string xi_note;
  if (!p.xi_curve.empty() && key(4.0).empty() && key(6.0).empty() && key(9.0).empty()) {
    double shortest = 1e300;
    for (const auto& row : p.xi_curve) shortest = std::min(shortest, row["xi"].get<double>());
    xi_note = "L = 4ξ, 6ξ, 9ξ " + std::string(4.0 * shortest > xmax ? "beyond" : "outside") +
              " the depths shown";
  }
  // Rows of the range that no cell fills (e.g. N = 7 of --levels 3..6,8)
  // show the hatched background, keyed, rather than white (near the top of
  // the colour scale).
  std::set<double> rows;
  for (const auto& cell : p.cells) rows.insert(cell["y"].get<double>());
  const bool absent =
      (ymax - ymin) / (2.0 * p.half_height) > static_cast<double>(rows.size()) + 0.5;
  // Depths are whole: tics one grid step apart (gnuplot would put some
  // between them).
  const double depth_step = 2.0 * p.half_width;
  Figure figure{
      "trainability.gp", {{"cells", cells_table(p)}, {"curves", curves_table(p.xi_curve)}}, {}};
  figure.parameters.text("title", p.title)
      .text("diverged_key", diverged ? "diverged (at chance)" : "")
      .text("absent_key", absent ? "not in the grid" : "")
      .text("key4", key(4.0))
      .text("key6", key(6.0))
      .text("key9", key(9.0))
      .text("xi_note", xi_note)
      .number("xstep", depth_step == std::floor(depth_step) ? depth_step : 0.0)
      .text("ylabel", p.ylabel)
      .number("xmin", xmin)
      .number("xmax", xmax)
      .number("ymin", ymin)
      .number("ymax", ymax)
      .number("ystep", p.y_tic_step);
  return render_figure(figure);
}

}  // namespace qmf::cli
