#include "cli/shared_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
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
    return "the directory '" + directory.string() + "' of '" + prefix + "' " +
           (fs::exists(directory, error) ? "is not a directory" : "does not exist");
  // Known before any computation, not after it: a directory where a file
  // goes, or a directory no file can be created in (read-only, /proc, ...;
  // permission bits alone do not tell, root ignores them).
  for (const char* extension : {".csv", ".json", ".jsonl", ".png", ".svg", ".pdf"})
    if (fs::is_directory(prefix + extension, error))
      return "'" + prefix + extension + "' is a directory";
  std::string probe = (directory / ".qmf-write-test-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0)
    return "the directory '" + directory.string() + "' of '" + prefix + "' cannot be written (" +
           std::strerror(errno) + ")";
  ::close(fd);
  ::unlink(probe.c_str());
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

namespace {

template <class T>
bool parses_whole(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && stop == end;
}

}  // namespace

std::string decimal_number_problem(const std::string& text) {
  const std::string digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  const char* end = digits.data() + digits.size();
  double value = 0.0;
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (error == std::errc::result_out_of_range)
    return "'" + text + "' is outside the range of double precision";
  if (error != std::errc() || stop != end) return "'" + text + "' is not a decimal number";
  return "";
}

bool is_decimal_number(const std::string& text) { return decimal_number_problem(text).empty(); }

std::string decimal_integer_problem(std::string& text) {
  const std::size_t sign = !text.empty() && (text.front() == '+' || text.front() == '-') ? 1 : 0;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() == sign || !std::all_of(text.begin() + sign, text.end(), digit))
    return "'" + text + "' is not a decimal integer";
  // Keep the last digit: "000" is 0.
  const std::size_t first = std::min(text.find_first_not_of('0', sign), text.size() - 1);
  text.erase(sign, first - sign);
  return "";
}

void require_decimal_numbers(CLI::App& app) {
  const CLI::Validator decimal([](const std::string& text) { return decimal_number_problem(text); },
                               "FLOAT");
  // A transform runs before the option's own checks (a range would call 0b11
  // out of range) and, without a description, leaves the type name alone.
  const CLI::Validator integer(decimal_integer_problem, "");
  // A range lets NaN through (every comparison is false): finite here.
  const CLI::Validator decimal_transform(
      [](const std::string& text) {
        if (std::string problem = decimal_number_problem(text); !problem.empty()) return problem;
        return std::isfinite(std::strtod(text.c_str(), nullptr))
                   ? std::string()
                   : "'" + text + "' is not a finite number";
      },
      "");
  for (CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    for (CLI::Option* option : command->get_options()) {
      const std::string type = option->get_type_name();
      const std::string base = type.substr(0, type.find(':'));
      if (type == "FLOAT") option->check(decimal);
      // A float option with a range of its own (--momentum) has a longer type
      // name; its range would read "0x0.4p0" as 0.25.
      if (base == "FLOAT" && type != "FLOAT") option->transform(decimal_transform);
      if (base == "INT" || base == "UINT") option->transform(integer);
    }
}

namespace {

CLI::Validator finite_at_least(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](const std::string& text) -> std::string {
        if (const std::string problem = decimal_number_problem(text); !problem.empty())
          return problem;
        const double x = std::stod(text);
        if (std::isfinite(x) && (x > 0.0 || (zero_allowed && x == 0.0))) return "";
        return std::string("must be a ") + (zero_allowed ? "non-negative" : "positive") +
               " finite number (got '" + text + "')";
      },
      "FLOAT");
}

}  // namespace

CLI::Validator positive_finite() { return finite_at_least(false); }
CLI::Validator non_negative_finite() { return finite_at_least(true); }

CLI::Option* add_seed_option(CLI::App& command, std::uint64_t& seed,
                             const std::string& description) {
  return command.add_option("--seed", seed, description)
      ->check(CLI::Validator(
          // CLI11 would read "-1" into the unsigned seed as 2^64 - 1, and
          // clamp 99999999999999999999999 to 2^64 - 1 without a word.
          [](const std::string& text) {
            std::uint64_t value = 0;
            return parses_whole(text, value)
                       ? std::string()
                       : "must be a non-negative integer below 2^64 (got '" + text + "')";
          },
          "UINT"))
      ->capture_default_str();
}

}  // namespace qmf::cli
