#include "cli/level_list.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "cli/comma_list.hpp"

namespace qmf::cli {

namespace {

// A guard against a mistyped range (2..1000000 for 2,1000000): it would run for hours.
constexpr int max_list_size = 100000;

constexpr const char* allowed_levels =
    "comma-separated integers N >= 2 and ranges a..b, e.g. 2..64,128,256";

[[noreturn]] void reject(const std::string& option, const std::string& text,
                         const std::string& why) {
  throw std::invalid_argument(option + " '" + text + "': " + why + " (allowed: " + allowed_levels +
                              ")");
}

int parse_level(const std::string& option, const std::string& list, const std::string& item) {
  int value = 0;
  const char* end = item.data() + item.size();
  const auto [ptr, error] = std::from_chars(item.data(), end, value);
  if (item.empty() || error == std::errc::invalid_argument || ptr != end)
    reject(option, list, "'" + item + "' is not an integer");
  if (error == std::errc::result_out_of_range || value < 2 || value > max_listed_levels)
    reject(option, list, "N = " + item + " is outside 2.." + std::to_string(max_listed_levels));
  return value;
}

}  // namespace

std::vector<int> parse_level_list(const std::string& text, const std::string& option) {
  std::vector<int> values;
  for (const std::string& item : split_comma_list(text, option, allowed_levels)) {
    const std::size_t dots = item.find("..");
    if (dots == std::string::npos) {
      values.push_back(parse_level(option, text, item));
      continue;
    }
    const int first = parse_level(option, text, item.substr(0, dots));
    const int last = parse_level(option, text, item.substr(dots + 2));
    if (last < first) reject(option, text, "the range '" + item + "' is empty");
    if (last - first >= max_list_size - static_cast<int>(values.size()))
      reject(option, text, "more than " + std::to_string(max_list_size) + " values");
    for (int n = first; n <= last; ++n) values.push_back(n);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace qmf::cli
