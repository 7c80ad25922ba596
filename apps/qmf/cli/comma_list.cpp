#include "cli/comma_list.hpp"

#include <charconv>
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

CLI::Option* add_number_list_option(CLI::App& command, const std::string& name,
                                    std::vector<double>& values, const std::string& description) {
  auto parse = [&values, name](const std::string& text) {
    const auto items = split_comma_list(text, name, "comma-separated numbers");
    values.clear();
    for (const auto& item : items) {
      double x = 0.0;
      const char* end = item.data() + item.size();
      const auto [stop, error] = std::from_chars(item.data(), end, x);
      if (error != std::errc() || stop != end)
        throw std::invalid_argument(name + ": '" + item + "' is not a number");
      values.push_back(x);
    }
  };
  return command.add_option_function<std::string>(name, parse, description)->type_name("LIST");
}

}  // namespace qmf::cli
