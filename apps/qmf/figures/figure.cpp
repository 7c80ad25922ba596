#include "figures/figure.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

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

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "qmf-figure-XXXXXX").string();
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

// The terminal, output and size variables figure.hpp describes, as gnuplot
// commands joined by `separator`.
std::string terminal_settings(const Terminal& terminal, const std::string& output,
                              const std::string& separator) {
  std::ostringstream settings;
  settings << "set terminal " << terminal.setting << separator << "set output "
           << gnuplot_quote(output) << separator << "font_size = " << terminal.font_size
           << separator << "point_unit = " << terminal.point_unit << separator
           << "set pointsize point_unit";
  return settings.str();
}

// Runs gnuplot with `args` (args[0] = "gnuplot", looked up on PATH) in
// `directory`, without a shell, its output in gnuplot.log there. Returns the
// exit status; throws if gnuplot cannot be started.
int run_gnuplot(const fs::path& directory, const std::vector<std::string>& args) {
  std::vector<std::string> copies = args;
  std::vector<char*> argv;
  for (auto& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = (directory / "gnuplot.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t child = 0;
  const int error = posix_spawnp(&child, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error == ENOENT)
    throw std::runtime_error("gnuplot not found: install gnuplot-nox (scripts/setup.sh does)");
  if (error != 0) throw std::runtime_error("cannot run gnuplot");
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Renders once per terminal in a private directory holding `data`; `command`
// prepares the directory for one terminal and returns gnuplot's arguments.
template <class Command>
std::vector<std::pair<std::string, std::string>> render_each_terminal(
    const std::vector<DataFile>& data, bool with_pdf, Command command) {
  const TemporaryDirectory directory;
  for (const auto& [name, content] : data) std::ofstream(directory.path() / name) << content;
  std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& terminal : terminals) {
    if (!with_pdf && std::string(terminal.suffix) == ".pdf") continue;
    const fs::path output = directory.path() / (std::string("figure") + terminal.suffix);
    const int status =
        run_gnuplot(directory.path(), command(directory.path(), terminal, output.string()));
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
  return render_each_terminal(
      data, with_pdf,
      [&](const fs::path& directory, const Terminal& terminal, const std::string& output) {
        std::ofstream(directory / "figure.gp") << terminal_settings(terminal, output, "\n") << '\n'
                                               << plot_script << "\nunset output\n";
        return std::vector<std::string>{"gnuplot", "figure.gp"};
      });
}

std::vector<std::pair<std::string, std::string>> render_script_file(
    const std::string& script, const std::vector<DataFile>& data,
    const std::vector<std::pair<std::string, std::string>>& variables) {
  return render_each_terminal(
      data, true,
      [&](const fs::path& directory, const Terminal& terminal, const std::string& output) {
        std::ofstream(directory / "script.gp") << script << "\nunset output\n";
        std::string settings =
            terminal_settings(terminal, output, "; ") + "; out = " + gnuplot_quote(output);
        for (const auto& [name, value] : variables) settings += "; " + name + " = " + value;
        return std::vector<std::string>{"gnuplot", "-e", settings, "script.gp"};
      });
}

}  // namespace qmf::cli
