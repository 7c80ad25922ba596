// Comma-separated list arguments (--levels, --fit, --only): split in one
// place, so that every such option rejects "", "a,,b" and "a," alike.
#pragma once

#include <string>
#include <vector>

namespace qmf::cli {

/// The items of `text`, in order. Throws std::invalid_argument with one line
/// naming `option` and what `allowed` for an empty list or an empty item.
std::vector<std::string> split_comma_list(const std::string& text, const std::string& option,
                                          const std::string& allowed);

}  // namespace qmf::cli
