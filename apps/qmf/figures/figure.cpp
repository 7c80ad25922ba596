#include "figures/figure.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace qmf::cli {

namespace {

namespace fs = std::filesystem;

struct Terminal {
  const char* suffix;
  const char* setting;
  double font_size;   // of the setting's font; see figure.hpp
  double point_unit;  // see figure.hpp
};

// One look in every format: the PDF (8 in wide) is the PNG at another
// resolution. gnuplot's terminals disagree on what a size means, so the
// PDF's font, line width and point size were measured against pngcairo
// (gnuplot 5.4): pdfcairo draws text at half and lines at 0.55 of the
// nominal size. The svg terminal draws points 2.84 times as large as
// pngcairo, and text at 0.76 (pixels, not points); its text stays at the
// nominal size, because gnuplot lays out an svg page by that size.
constexpr Terminal terminals[] = {
    {".png", "pngcairo enhanced size 1600,1000 font 'DejaVu Sans,22' linewidth 2", 22, 1.0},
    {".svg",
     "svg enhanced size 1600,1000 font 'DejaVu Sans,22' linewidth 1.8 background rgb 'white'", 22,
     1.0 / 2.84},
    {".pdf", "pdfcairo enhanced size 8in,5in font 'DejaVu Sans,15.8' linewidth 1.3", 15.8, 0.36},
};

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

constexpr std::string_view temporary_prefix = "qmf-figure-";

// A render killed before its destructor ran (SIGKILL, SIGTERM) leaves its
// directory behind; the directory names its process, so the next render
// removes the directories of processes that no longer exist.
void remove_orphaned_directories(const fs::path& parent) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(temporary_prefix, 0) != 0) continue;
    const auto dash = name.find('-', temporary_prefix.size());
    if (dash == std::string::npos) continue;
    long pid = 0;
    const char* first = name.data() + temporary_prefix.size();
    const auto [end, status] = std::from_chars(first, name.data() + dash, pid);
    if (status != std::errc() || end != name.data() + dash || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    remove_orphaned_directories(fs::temp_directory_path());
    std::string pattern = (fs::temp_directory_path() /
                           (std::string(temporary_prefix) + std::to_string(::getpid()) + "-XXXXXX"))
                              .string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::string gnuplot_quote(const std::string& text) {
  std::string quoted = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  return quoted + "\"";
}

std::vector<std::pair<std::string, std::string>> render_figure(const std::string& plot_script,
                                                               const std::vector<DataFile>& data,
                                                               bool with_pdf) {
  const TemporaryDirectory directory;
  for (const auto& [name, content] : data) std::ofstream(directory.path() / name) << content;
  std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& terminal : terminals) {
    if (!with_pdf && std::string(terminal.suffix) == ".pdf") continue;
    const fs::path output = directory.path() / (std::string("figure") + terminal.suffix);
    const fs::path script = directory.path() / "figure.gp";
    std::ofstream(script) << "set terminal " << terminal.setting << "\nset output "
                          << gnuplot_quote(output.string())
                          << "\nfont_size = " << terminal.font_size
                          << "\npoint_unit = " << terminal.point_unit
                          << "\nset pointsize point_unit\n"
                          << plot_script << "\nunset output\n";
    const std::string command = "cd " + gnuplot_quote(directory.path().string()) +
                                " && gnuplot figure.gp > gnuplot.log 2>&1";
    const int status = std::system(command.c_str());
    // The shell exits 127 when it cannot find the command.
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      throw std::runtime_error("gnuplot not found: install gnuplot-nox (scripts/setup.sh does)");
    if (status != 0 || !fs::exists(output) || fs::file_size(output) == 0) {
      const std::string log = read_bytes(directory.path() / "gnuplot.log");
      throw std::runtime_error("gnuplot failed to render the figure: " + log.substr(0, 400));
    }
    std::string bytes = read_bytes(output);
    if (std::string(terminal.suffix) == ".svg") bytes = preserve_svg_spaces(std::move(bytes));
    rendered.emplace_back(terminal.suffix, std::move(bytes));
  }
  return rendered;
}

}  // namespace qmf::cli
