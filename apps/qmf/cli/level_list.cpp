#include "cli/level_list.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "cli/comma_list.hpp"

namespace qmf::cli {

namespace {

// A guard against a mistyped range (2..1000000 for 2,1000000): it would run for hours.
constexpr int max_list_size = 100000;

[[noreturn]] void reject(const std::string& option, const std::string& text,
                         const IntegerListRule& rule, const std::string& why) {
  throw std::invalid_argument(option + " '" + text + "': " + why + " (allowed: " + rule.allowed +
                              ")");
}

int parse_value(const std::string& option, const std::string& list, const std::string& item,
                const IntegerListRule& rule) {
  int value = 0;
  const char* end = item.data() + item.size();
  const auto [ptr, error] = std::from_chars(item.data(), end, value);
  if (item.empty() || error == std::errc::invalid_argument || ptr != end)
    reject(option, list, rule, "'" + item + "' is not an integer");
  if (error == std::errc::result_out_of_range || value < rule.lo || value > rule.hi)
    reject(option, list, rule,
           rule.symbol + " = " + item + " is outside " + std::to_string(rule.lo) + ".." +
               std::to_string(rule.hi));
  return value;
}

}  // namespace

std::vector<int> parse_integer_list(const std::string& text, const std::string& option,
                                    const IntegerListRule& rule) {
  std::vector<int> values;
  for (const std::string& item : split_comma_list(text, option, rule.allowed)) {
    const std::size_t dots = item.find("..");
    if (dots == std::string::npos) {
      values.push_back(parse_value(option, text, item, rule));
      continue;
    }
    const int first = parse_value(option, text, item.substr(0, dots), rule);
    const int last = parse_value(option, text, item.substr(dots + 2), rule);
    if (last < first) reject(option, text, rule, "the range '" + item + "' is empty");
    if (last - first >= max_list_size - static_cast<int>(values.size()))
      reject(option, text, rule, "more than " + std::to_string(max_list_size) + " values");
    for (int n = first; n <= last; ++n) values.push_back(n);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::vector<int> parse_level_list(const std::string& text, const std::string& option) {
  return parse_integer_list(text, option, {});
}

}  // namespace qmf::cli
