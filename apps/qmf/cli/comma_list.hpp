// Comma-separated list arguments (--levels, --fit, --only, --c0, --offsets, --widths):
// split in one place, so that every such option rejects "", "a,,b" and "a,"
// alike (CLI11's own delimiter would drop the empty item silently).
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace qmf::cli {

/// The items of `text`, in order. Throws std::invalid_argument with one line
/// naming `option` and what `allowed` for an empty list or an empty item.
std::vector<std::string> split_comma_list(const std::string& text, const std::string& option,
                                          const std::string& allowed);

/// --name LIST of numbers: split by split_comma_list, each item read whole by
/// std::from_chars (no spaces, no hex). `values` keeps its defaults when the
/// option is absent; the description should state them.
CLI::Option* add_number_list_option(CLI::App& command, const std::string& name,
                                    std::vector<double>& values, const std::string& description);

/// The same for a list of integers (std::from_chars: "64", not "64.0").
CLI::Option* add_integer_list_option(CLI::App& command, const std::string& name,
                                     std::vector<int>& values, const std::string& description);

/// Throws std::invalid_argument ("--widths lists 64 twice") where a list has
/// an item twice: the same nets or cells twice, counted or drawn as if they
/// were two. `text(item)` names an item. (Lists of levels N are merged
/// instead: level_list.hpp.)
template <class Item, class Text>
void require_distinct(const std::vector<Item>& items, const std::string& option, Text text) {
  for (std::size_t k = 1; k < items.size(); ++k)
    for (std::size_t j = 0; j < k; ++j)
      if (items[j] == items[k])
        throw std::invalid_argument(option + " lists " + text(items[k]) + " twice");
}

}  // namespace qmf::cli
