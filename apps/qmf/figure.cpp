#include "figure.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace qmf::cli {

namespace {

namespace fs = std::filesystem;

struct Terminal {
  const char* suffix;
  const char* setting;
};

// One look for every format: the same font and aspect ratio; PNG at a
// resolution that stays sharp on a slide.
constexpr Terminal terminals[] = {
    {".png", "pngcairo enhanced size 1600,1000 font 'DejaVu Sans,22' linewidth 2"},
    {".svg", "svg enhanced size 960,600 font 'DejaVu Sans,14' linewidth 1.5 background rgb 'white'"},
    {".pdf", "pdfcairo enhanced size 8in,5in font 'DejaVu Sans,11' linewidth 1.5"},
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
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
                          << gnuplot_quote(output.string()) << "\n" << plot_script << "\nunset output\n";
    const std::string command = "cd " + gnuplot_quote(directory.path().string()) +
                                " && gnuplot figure.gp > gnuplot.log 2>&1";
    if (std::system(command.c_str()) != 0 || !fs::exists(output) || fs::file_size(output) == 0) {
      const std::string log = read_bytes(directory.path() / "gnuplot.log");
      throw std::runtime_error("gnuplot failed to render the figure (is gnuplot-nox installed?): " +
                               log.substr(0, 400));
    }
    rendered.emplace_back(terminal.suffix, read_bytes(output));
  }
  return rendered;
}

}  // namespace qmf::cli
