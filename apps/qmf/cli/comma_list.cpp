#include "cli/comma_list.hpp"

#include <stdexcept>

namespace qmf::cli {

std::vector<std::string> split_comma_list(const std::string& text, const std::string& option,
                                          const std::string& allowed) {
  const auto reject = [&](const std::string& why) {
    return std::invalid_argument(option + " '" + text + "': " + why + " (allowed: " + allowed +
                                 ")");
  };
  if (text.empty()) throw reject("the list is empty");
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (items.back().empty()) throw reject("item " + std::to_string(items.size()) + " is empty");
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

}  // namespace qmf::cli
