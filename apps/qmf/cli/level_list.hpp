// The LIST syntax of `qmf lmax` (docs/cli.md): comma-separated level counts
// and inclusive ranges a..b, e.g. "2..64,128,256".
#pragma once

#include <string>
#include <vector>

namespace qmf::cli {

/// The largest N a list may hold: chi_max at 2^24 takes ~10 s.
constexpr int max_listed_levels = 1 << 24;

/// What a list of integers may hold, for its messages: the values lo..hi,
/// each called `symbol` ("N", "B"), and the list's syntax (`allowed`).
struct IntegerListRule {
  int lo = 2;
  int hi = max_listed_levels;
  std::string symbol = "N";
  std::string allowed = "comma-separated integers N >= 2 and ranges a..b, e.g. 2..64,128,256";
};

/// The distinct values, ascending. Throws std::invalid_argument with a
/// one-line message naming `option` for an empty or malformed list, a
/// reversed range, or a value outside the rule's lo..hi.
std::vector<int> parse_integer_list(const std::string& text, const std::string& option,
                                    const IntegerListRule& rule);

/// parse_integer_list of level counts N, 2..max_listed_levels.
std::vector<int> parse_level_list(const std::string& text, const std::string& option);

}  // namespace qmf::cli
