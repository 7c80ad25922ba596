#include "figures/figure.hpp"

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "cli/child_process.hpp"
#include "cli/output.hpp"
#include "qmf_figure_dirs.hpp"

namespace qmf::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* formats[] = {"png", "svg", "pdf"};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// gnuplot splits enhanced text into <tspan>s such as "ξ", "c", " overall".
// Without xml:space="preserve" some renderers (librsvg) drop the leading space
// of a tspan, gluing words to subscripts; gnuplot writes every text on one
// line, so preserving whitespace adds none.
std::string preserve_svg_spaces(std::string svg) {
  const auto root = svg.find("<svg");
  if (root != std::string::npos) svg.insert(root + 4, " xml:space=\"preserve\"");
  return svg;
}

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::absolute(fs::temp_directory_path()) / "qmf-figure-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TemporaryDirectory() { remove(); }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }
  void remove() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }

 private:
  fs::path path_;
};

// The directories searched for figure scripts, in order.
std::vector<fs::path> figure_directories() {
  std::vector<fs::path> directories;
  if (const char* override_directory = std::getenv("QMF_FIGURE_DIR"))
    directories.emplace_back(override_directory);
  else
    directories = {QMF_FIGURE_SOURCE_DIR, QMF_FIGURE_INSTALL_DIR};
  return directories;
}

}  // namespace

FigureParameters& FigureParameters::number(const std::string& name, double value) {
  std::string literal = std::isfinite(value) ? format_number(value) : "NaN";
  // "2" would be a gnuplot integer, and divide as one.
  if (literal.find_first_of(".eN") == std::string::npos) literal += ".0";
  assignments_ += name + " = " + literal + "; ";
  return *this;
}

FigureParameters& FigureParameters::integer(const std::string& name, long long value) {
  assignments_ += name + " = " + std::to_string(value) + "; ";
  return *this;
}

FigureParameters& FigureParameters::text(const std::string& name, const std::string& value) {
  assignments_ += name + " = " + gnuplot_quote(value) + "; ";
  return *this;
}

std::string gnuplot_quote(const std::string& text) {
  std::string quoted = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch == '\n' ? std::string("\\n") : std::string(1, ch);
  }
  return quoted + "\"";
}

fs::path figure_script(const std::string& name) {
  std::string searched;
  for (const auto& directory : figure_directories()) {
    // The script, and the shared look it loads.
    const fs::path path = fs::absolute(directory / name);
    std::error_code error;
    if (fs::is_regular_file(path, error) && fs::is_regular_file(directory / "style.gp", error))
      return path;
    searched += (searched.empty() ? "" : ", ") + directory.string();
  }
  throw std::invalid_argument("figure script " + name + " not found in " + searched +
                              ": the qmf installation is incomplete (reinstall it, or set "
                              "QMF_FIGURE_DIR to the directory of the .gp files)");
}

std::vector<std::pair<std::string, std::string>> render_figure(const Figure& figure) {
  const fs::path script = figure_script(figure.script);
  // Installed before the temporary directory exists, so that no signal can leave it behind.
  InterruptGuard interrupts;
  TemporaryDirectory directory;
  FigureParameters parameters = figure.parameters;
  for (const auto& [name, content] : figure.data) {
    const fs::path file = directory.path() / (name + ".dat");
    std::ofstream(file) << content;
    parameters.text(name, file.string());
  }
  const fs::path log = directory.path() / "gnuplot.log";
  std::vector<std::pair<std::string, std::string>> rendered;
  for (const std::string format : formats) {
    const fs::path output = directory.path() / ("figure." + format);
    const std::string assignments = parameters.assignments() + "format = " + gnuplot_quote(format) +
                                    "; output = " + gnuplot_quote(output.string());
    int status = 0;
    try {
      // In the script's directory, where `load 'style.gp'` finds the shared look.
      status = run_child({"gnuplot", "-e", assignments, script.filename().string()},
                         {script.parent_path().string(), "/dev/null", log.string()});
    } catch (const std::system_error& e) {
      if (e.code() == std::errc::no_such_file_or_directory)
        throw std::runtime_error("gnuplot not found: install gnuplot-nox (scripts/setup.sh does)");
      throw std::runtime_error(std::string("cannot run gnuplot: ") + e.what());
    }
    if (interrupts.interrupted()) {
      // No temporary files left behind, and the process ends by the signal.
      directory.remove();
      interrupts.end_process();
    }
    if (status != 0 || !fs::exists(output) || fs::file_size(output) == 0) {
      const std::string messages = read_bytes(log);
      throw std::runtime_error("gnuplot failed to render " + figure.script + ": " +
                               messages.substr(0, 400));
    }
    std::string bytes = read_bytes(output);
    if (format == "svg") bytes = preserve_svg_spaces(std::move(bytes));
    rendered.emplace_back("." + format, std::move(bytes));
  }
  return rendered;
}

}  // namespace qmf::cli
