// Output conventions shared by every subcommand (docs/cli.md): JSON with the
// version and parameters, numbers that round-trip, files written completely
// or not at all.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace qmf::cli {

using Json = nlohmann::ordered_json;

/// A finite number as a JSON number; an infinity as the string "inf" or "-inf".
/// NaN is never a result: it throws numerical_error naming `what`.
Json number(double x, const std::string& what);

/// {"version": ..., "command": ...}: the start of every JSON object.
Json header(const std::string& command);

/// The shortest text that round-trips (as JSON prints numbers), "inf" for
/// infinities, empty for NaN (CSV cells): for tables and CSV.
std::string format_number(double x);

/// Writes PREFIX + suffix for every (suffix, content) pair, each first to a
/// temporary file, then renames them all: no half-written output survives a failure,
/// and a failed rename removes the files already renamed. Throws std::invalid_argument
/// naming --out and the file.
void write_files(const std::string& prefix,
                 const std::vector<std::pair<std::string, std::string>>& files);

/// A readable two-column table "name  value" for the non-JSON output.
std::string key_value_table(const Json& object);

}  // namespace qmf::cli
