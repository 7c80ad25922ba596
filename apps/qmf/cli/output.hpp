// Output conventions shared by every subcommand (docs/cli.md): JSON with the
// version and parameters, numbers that round-trip, files written completely
// or not at all.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "qmf/errors.hpp"

namespace qmf::cli {

/// A numerical failure after the command has printed its report (a diverged
/// training run): exit 3 with one line on stderr, but no second JSON object
/// on stdout after the report.
class reported_numerical_error : public numerical_error {
 public:
  using numerical_error::numerical_error;
};

using Json = nlohmann::ordered_json;

/// number(x, what), or null for NaN (a quantity that does not exist here).
Json nullable_number(double x, const std::string& what);

/// A finite number as a JSON number. NaN and infinities are never results of
/// a quantity that must be finite (an overflow, say): they throw
/// numerical_error naming `what`.
Json number(double x, const std::string& what);

/// object[key] = x for a quantity that can legitimately be +inf (chi_1 of a
/// step activation, a depth scale at |chi| = 1): finite x as a JSON number,
/// +inf as the string "inf" together with key + "_infinite": true
/// (docs/output_format.md).
/// NaN and -inf throw numerical_error naming `key`.
void set_number(Json& object, const std::string& key, double x);

/// object[key] read back as a double: +inf where set_number wrote "inf" (or,
/// in files of earlier versions, null and the flag), NaN for any other null.
double get_number(const Json& object, const std::string& key);

/// {"version": ..., "command": ...}: the start of every JSON object.
Json header(const std::string& command);

/// The shortest text that round-trips (as JSON prints numbers), "inf" for
/// +inf (docs/output_format.md), empty for NaN (CSV cells): for tables and CSV.
std::string format_number(double x);

/// Six significant digits ("%.6g"), "inf" for +inf, "-" for NaN (a value that
/// does not exist): for the human-readable tables; JSON and CSV keep
/// format_number's full precision.
std::string readable_number(double x);

/// Writes PREFIX + suffix for every (suffix, content) pair, each first to a
/// temporary file, then renames them all: no half-written output survives a failure,
/// and a failed rename removes the files already renamed. Throws std::invalid_argument
/// naming --out and the file. `optional` lists the suffixes the command writes
/// only in some runs: those this run does not write are removed with the
/// renames, so that the set is always one run's (no PREFIX_weights.csv of an
/// earlier run beside a later run's PREFIX.csv).
void write_files(const std::string& prefix,
                 const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& optional = {});

/// A readable two-column table "name  value" for the non-JSON output: numbers
/// as readable_number writes them, "-" for null (a value that does not exist).
std::string key_value_table(const Json& object);

}  // namespace qmf::cli
