#include "cli/shared_options.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

namespace qmf::cli {

int default_threads() {
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(hardware, 1, max_threads);
}

std::string output_prefix_problem(const std::string& prefix) {
  namespace fs = std::filesystem;
  if (prefix.empty()) return "the prefix is empty (files are written to PREFIX.csv, PREFIX.json)";
  const fs::path path(prefix);
  // "dir/", "." or ".." would write hidden files such as "dir/.csv" or "..csv".
  const fs::path name = path.filename();
  if (name.empty() || name == "." || name == "..")
    return "'" + prefix + "' names a directory, not a file prefix (e.g. " +
           (path / "result").lexically_normal().string() + ")";
  const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(directory, error))
    return "the directory '" + directory.string() + "' of '" + prefix + "' does not exist";
  return "";
}

CLI::Option* add_out_option(CLI::App& command, std::string& prefix,
                            const std::string& description) {
  return command.add_option("--out", prefix, description)
      ->check(CLI::Validator([](const std::string& text) { return output_prefix_problem(text); },
                             "PREFIX"));
}

CLI::Option* add_threads_option(CLI::App& command, int& threads, const std::string& description) {
  return command.add_option("--threads", threads, description)
      ->check(CLI::Range(1, max_threads))
      ->capture_default_str();
}

CLI::Option* add_seed_option(CLI::App& command, std::uint64_t& seed,
                             const std::string& description) {
  return command.add_option("--seed", seed, description)
      ->check(CLI::Validator(
          // CLI11 would read "-1" into the unsigned seed as 2^64 - 1.
          [](const std::string& text) {
            return text.find('-') == std::string::npos ? "" : "must be a non-negative integer";
          },
          "UINT"))
      ->capture_default_str();
}

}  // namespace qmf::cli
