// Figures rendered by gnuplot from the app itself (PNG, SVG, PDF).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace qmf::cli {

/// A named data file the plot script reads, e.g. {"curve.dat", "x y\n..."}.
using DataFile = std::pair<std::string, std::string>;

/// Runs `plot_script` (gnuplot commands without `set terminal`/`set output`)
/// once per format in a private temporary directory holding `data`, which
/// the script refers to by bare name. The three formats look alike if the
/// script gives sizes relative to each terminal, through two gnuplot
/// variables it defines: `point_unit` for point sizes (`ps 2*point_unit`; the
/// svg terminal has no pointscale) and `font_size`, the base font size, for
/// fonts (`f = sprintf(',%g', 0.8*font_size)`, then `font f`). Returns {".png", bytes},
/// {".svg", bytes} and, when `with_pdf`, {".pdf", bytes}, ready for
/// write_files() together with the CSV and JSON. Throws std::runtime_error if
/// gnuplot is missing or fails.
std::vector<std::pair<std::string, std::string>> render_figure(const std::string& plot_script,
                                                               const std::vector<DataFile>& data,
                                                               bool with_pdf = true);

/// The same for a script kept in its own .gp file (`script` is its text):
/// gnuplot runs it without a shell as `gnuplot -e "SETTINGS" script.gp`, where
/// SETTINGS set the terminal, `out` (the output file, which the script sets
/// with `set output out`), font_size, point_unit, and every `variables` entry
/// as `name = value` (value a gnuplot expression, e.g. {"datafile",
/// "'cells.dat'"}). gnuplot runs in the private directory holding `data`.
std::vector<std::pair<std::string, std::string>> render_script_file(
    const std::string& script, const std::vector<DataFile>& data,
    const std::vector<std::pair<std::string, std::string>>& variables);

/// Double-quoted gnuplot string literal.
std::string gnuplot_quote(const std::string& text);

}  // namespace qmf::cli
