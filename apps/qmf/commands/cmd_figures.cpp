// qmf figures DIR: regenerates every figure the project makes, with the CSV
// and JSON behind each, by running the figure subcommands of this very binary.
//
// Each figure is one line of `recipes`: its file name and the subcommand
// arguments that make it (`--out DIR/NAME` is appended). Running the binary
// again (rather than calling into the subcommands) keeps each figure exactly
// the documented command line, with its own output rules and exit status.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "cli/child_process.hpp"
#include "cli/comma_list.hpp"
#include "commands/commands.hpp"

namespace qmf::cli {

namespace {

struct FigureRecipe {
  const char* name;
  std::vector<std::string> args;
};

// The paper's 69 values of N (theory.md section 3), fitted; N = 2 (sign) shown too.
const std::string paper_levels = "3..63,125,128,255,256,512,515,1024,1025";
// Decades of N up to 10^6, where the local exponent of 1 - chi_max is tested.
const std::string decades = "10,100,1000,10000,100000,1000000";

// Every figure, cheapest first. `lmax` is data/lmax_paper, the lmax_asymptotic_*
// are the files of the same names in data/.
const std::vector<FigureRecipe> recipes = {
    {"lmax", {"lmax", "--levels", "2," + paper_levels, "--fit", paper_levels}},
    {"lmax_asymptotic_uniform", {"lmax", "--levels", decades, "--exponents"}},
    {"lmax_asymptotic_lloyd", {"lmax", "--levels", decades, "--exponents", "--family", "lloyd"}},
    {"cmap",
     {"cmap", "--act", "sign", "quant:4", "quant:16", "tanh", "--sw2", "1", "crit", "crit", "crit",
      "--sb2", "0.05"}},
    {"phase_quant16", {"phase", "--act", "quant:16", "--sw2", "0.2:4:96", "--sb2", "0:0.5:64"}},
    {"figure1", {"figure1"}},
    {"phase_tanh", {"phase", "--act", "tanh", "--sw2", "0.2:4:96", "--sb2", "0:0.5:64"}},
    {"kernel_sign",
     {"kernel", "--act", "sign", "--sw2", "1", "--weights",
      "binary,rounding=stochastic-per-example", "--depth", "3", "--dim", "3", "--eigen", "200"}},
};

struct FiguresOptions {
  std::string directory;
  std::optional<std::string> only;  // comma-separated figure names
  bool list = false;
};

// The child's stderr, kept in a temporary file while it runs, so that a
// failed figure is reported in one line (docs/cli.md), the child's message
// inside the parent's. Removed with this object.
class ChildErrors {
 public:
  ChildErrors() {
    std::string name = (std::filesystem::temp_directory_path() / "qmf-figure.XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in " + name);
    ::close(fd);
    path_ = name;
  }
  ~ChildErrors() { std::remove(path_.c_str()); }
  ChildErrors(const ChildErrors&) = delete;
  ChildErrors& operator=(const ChildErrors&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string text() const {
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::string path_;
};

// The last line of a child's stderr without "qmf: error: " ("numerical
// failure: " stays: it says what kind of failure it was).
std::string child_message(const std::string& text) {
  std::string line = text.substr(0, text.find_last_not_of('\n') + 1);
  line = line.substr(line.find_last_of('\n') + 1);
  for (const std::string prefix : {"qmf: error: ", "qmf: "})
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return line.empty() ? "no message" : line;
}

// Runs this executable with `args`, stdout discarded (the files are the
// output) and stderr kept. Returns the exit status and the child's message.
// SIGINT, SIGTERM or SIGHUP meanwhile reach the child too (which stops its
// gnuplot and removes its temporary files), and then end this process.
// (The child's stderr is no terminal, so it draws no progress bar: the
// NAME ... lines on stdout show the progress.)
std::pair<int, std::string> run_self(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/proc/self/exe"};
  argv.insert(argv.end(), args.begin(), args.end());
  const InterruptGuard interrupts;
  std::optional<ChildErrors> errors(std::in_place);
  int status = 0;
  try {
    status = run_child(argv, {"", "/dev/null", errors->path()});
  } catch (const std::system_error&) {
    throw std::runtime_error("cannot run /proc/self/exe");
  }
  const std::string text = errors->text();
  errors.reset();  // the file goes before an interrupt ends this process
  if (interrupts.interrupted()) interrupts.end_process();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  if (code == 0) {
    std::cerr << text;  // nothing, by the contract a successful run keeps
    return {0, ""};
  }
  return {code, child_message(text)};
}

// The recipes --only names (all without --only), in the order of `recipes`.
std::vector<FigureRecipe> selected_recipes(const std::optional<std::string>& only) {
  std::vector<std::string> names;
  if (only) {
    std::string allowed;
    for (const auto& r : recipes) allowed += (allowed.empty() ? "" : ", ") + std::string(r.name);
    names = split_comma_list(*only, "--only", "comma-separated figure names: " + allowed);
    for (const auto& name : names)
      if (std::none_of(recipes.begin(), recipes.end(),
                       [&](const auto& r) { return name == r.name; }))
        throw std::invalid_argument("--only: unknown figure '" + name + "' (allowed: " + allowed +
                                    ")");
    require_distinct(names, "--only", [](const std::string& name) { return name; });
  }
  std::vector<FigureRecipe> selected;
  for (const auto& recipe : recipes)
    if (!only || std::find(names.begin(), names.end(), recipe.name) != names.end())
      selected.push_back(recipe);
  return selected;
}

// DIR and any missing parents. A failure (DIR is a file, a parent is
// read-only, ...) is bad input naming DIR, not a crash.
void create_output_directory(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (!error && !std::filesystem::is_directory(directory, error))
    error = std::make_error_code(std::errc::not_a_directory);
  if (error)
    throw std::invalid_argument("figures: cannot create DIR '" + directory + "' (" +
                                error.message() + ")");
}

void run(const FiguresOptions& o) {
  if (o.list) {
    // --list writes nothing: a DIR or --only beside it is a mistake, not ignored.
    if (!o.directory.empty() || o.only)
      throw std::invalid_argument("--list takes neither DIR nor --only (it only lists)");
    for (const auto& r : recipes) {
      std::cout << r.name << ":  qmf";
      for (const auto& a : r.args) std::cout << ' ' << a;
      std::cout << " --out DIR/" << r.name << '\n';
    }
    return;
  }
  const auto selected = selected_recipes(o.only);
  if (o.directory.empty()) throw std::invalid_argument("figures: DIR is required");
  create_output_directory(o.directory);
  for (const auto& recipe : selected) {
    auto args = recipe.args;
    args.insert(args.end(), {"--out", (std::filesystem::path(o.directory) / recipe.name).string()});
    std::cout << recipe.name << " ... " << std::flush;
    const auto start = std::chrono::steady_clock::now();
    const auto [status, message] = run_self(args);
    if (status != 0) {
      std::cout << "failed\n";
      throw std::runtime_error("figure " + std::string(recipe.name) + " failed with exit status " +
                               std::to_string(status) + ": " + message);
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << "done (" << took.count() << " s)\n";
  }
}

}  // namespace

void add_figures_command(CLI::App& app) {
  auto options = std::make_shared<FiguresOptions>();
  CLI::App* cmd = app.add_subcommand(
      "figures", "Regenerate every figure (PNG, SVG, PDF) with its CSV and JSON into DIR");
  cmd->add_option("DIR", options->directory, "output directory (created if missing)");
  // One argument, comma-separated, so that `--only lmax DIR` leaves DIR alone.
  cmd->add_option("--only", options->only,
                  "regenerate only these figures, comma-separated (names from --list)");
  cmd->add_flag("--list", options->list, "list the figures and the command behind each");
  cmd->callback([options] { run(*options); });
}

}  // namespace qmf::cli
