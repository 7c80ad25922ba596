// Figures rendered by gnuplot (PNG, SVG, PDF) from the figure scripts
// apps/qmf/figures/*.gp: the program writes the data and chooses the
// parameters, the script decides everything about the look.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace qmf::cli {

/// The values a figure script receives, as gnuplot assignments for `gnuplot -e`.
class FigureParameters {
 public:
  /// name = value, a gnuplot floating-point number (NaN if not finite).
  FigureParameters& number(const std::string& name, double value);
  /// name = value, a gnuplot integer.
  FigureParameters& integer(const std::string& name, long long value);
  /// name = "value", a gnuplot string.
  FigureParameters& text(const std::string& name, const std::string& value);
  /// "a = 1.5; b = \"x\"; ".
  [[nodiscard]] const std::string& assignments() const { return assignments_; }

 private:
  std::string assignments_;
};

/// A data file a figure script reads: {name, content}. It is written as
/// NAME.dat in a private temporary directory, and the script receives its path
/// in the variable NAME.
using DataFile = std::pair<std::string, std::string>;

struct Figure {
  std::string script;  // a file of the figure directory, e.g. "phase.gp"
  std::vector<DataFile> data;
  FigureParameters parameters;
};

/// The path of a figure script: in $QMF_FIGURE_DIR if set, else in the source
/// tree this program was built from, else in the installed data directory.
/// Throws std::invalid_argument (an incomplete installation; nothing can be
/// drawn) if none has it. Commands call it before computing, to fail at once.
std::filesystem::path figure_script(const std::string& name);

/// Runs gnuplot on the figure script once per format, the parameters, the data
/// files, `format` ("png", "svg", "pdf") and `output` given with -e. Returns
/// {".png", bytes}, {".svg", bytes} and {".pdf", bytes}, ready for
/// write_files() together with the CSV and JSON. Throws
/// std::runtime_error if gnuplot is missing or fails. SIGINT, SIGTERM or SIGHUP
/// meanwhile stop gnuplot, remove the temporary files and end the process.
std::vector<std::pair<std::string, std::string>> render_figure(const Figure& figure);

/// Double-quoted gnuplot string literal.
std::string gnuplot_quote(const std::string& text);

}  // namespace qmf::cli
