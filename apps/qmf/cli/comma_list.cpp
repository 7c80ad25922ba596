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

namespace {

// Each item read whole by std::from_chars into a T (no spaces, no hex, no
// fraction for an integer type).
template <class T>
CLI::Option* add_list_option(CLI::App& command, const std::string& name, std::vector<T>& values,
                             const std::string& description, const std::string& allowed,
                             const std::string& what) {
  auto parse = [&values, name, allowed, what](const std::string& text) {
    const auto items = split_comma_list(text, name, allowed);
    values.clear();
    for (const auto& item : items) {
      T x{};
      const char* end = item.data() + item.size();
      const auto [stop, error] = std::from_chars(item.data(), end, x);
      if (error != std::errc() || stop != end)
        throw std::invalid_argument(name + ": '" + item + "' is not " + what);
      values.push_back(x);
    }
  };
  return command.add_option_function<std::string>(name, parse, description)->type_name("LIST");
}

}  // namespace

CLI::Option* add_number_list_option(CLI::App& command, const std::string& name,
                                    std::vector<double>& values, const std::string& description) {
  return add_list_option(command, name, values, description, "comma-separated numbers", "a number");
}

CLI::Option* add_integer_list_option(CLI::App& command, const std::string& name,
                                     std::vector<int>& values, const std::string& description) {
  return add_list_option(command, name, values, description, "comma-separated integers",
                         "an integer");
}

}  // namespace qmf::cli
