// Options several subcommands take, defined once so that every subcommand
// accepts and rejects the same values with the same message (docs/cli.md).
// All checks run while CLI11 parses, before any computation starts.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace qmf::cli {

/// The most OpenMP threads a command accepts: each thread needs its own stack,
/// and a mistyped count (100000) would crash the run instead of failing.
constexpr int max_threads = 1024;

/// The hardware's thread count, within 1..max_threads: the default of --threads.
int default_threads();

/// Why `prefix` cannot be an --out PREFIX, or "" if it can: it must be
/// non-empty, end in a file name (not in "/", "." or ".."), and lie in an
/// existing directory.
std::string output_prefix_problem(const std::string& prefix);

/// --out PREFIX, checked by output_prefix_problem.
CLI::Option* add_out_option(CLI::App& command, std::string& prefix, const std::string& description);

/// --threads T, an integer in 1..max_threads.
CLI::Option* add_threads_option(CLI::App& command, int& threads, const std::string& description);

/// Whether `text` is a decimal number as qmf reads them (an optional '+',
/// then what std::from_chars takes: no hex such as 0x10, no spaces).
bool is_decimal_number(const std::string& text);
/// Why `text` is no decimal number (or lies outside the doubles), "" if it is one.
std::string decimal_number_problem(const std::string& text);

/// "" if `text` is an optional sign and decimal digits, which it then strips
/// of leading zeros; else why not.
std::string decimal_integer_problem(std::string& text);

/// Adds the is_decimal_number check to every floating-point option of every
/// subcommand of `app`: CLI11 reads numbers with strtod, which takes "0x10"
/// for 16 (issue 15); and decimal_integer_problem to every integer option:
/// CLI11 reads integers with strtoll(text, 0), which takes "010" for 8.
void require_decimal_numbers(CLI::App& app);

/// Checks for a number option: finite and > 0, or finite and >= 0 (the
/// message names the rule and the text given, not CLI11's range bounds).
CLI::Validator positive_finite();
CLI::Validator non_negative_finite();

/// --seed S, a non-negative integer below 2^64 (larger ones are refused, not
/// clamped).
CLI::Option* add_seed_option(CLI::App& command, std::uint64_t& seed,
                             const std::string& description);

}  // namespace qmf::cli
