// The names --help shows for option values ("--sb2 SB2=0", "--threads T in
// [1 - 1024]=2") in place of CLI11's types, which repeat themselves once a
// check is attached ("FLOAT:FLOAT", "INT:INT in [1 - 1024]", "UINT:UINT").
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace qmf::cli {

/// The value name of `flag` (e.g. "--sb2") in `subcommand`: the docs' own
/// placeholder where docs/cli.md has one; "" for an option not listed, which
/// then keeps CLI11's type.
std::string value_name(const std::string& subcommand, const std::string& flag);

/// Sets the help text of every option value of every subcommand of `app`: its
/// value_name (or, for a choice among fixed words, the words joined by '|'),
/// the range a Range check allows, the default, "..." for a list and
/// REQUIRED. Call once, after every option and check is registered. Only the
/// help changes: CLI11's types stay what error messages are made from.
void name_option_values(CLI::App& app);

}  // namespace qmf::cli
