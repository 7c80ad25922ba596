#include "cli/weight_list.hpp"

#include <algorithm>

#include "cli/comma_list.hpp"
#include "cli/level_list.hpp"

namespace qmf::cli {

std::vector<WeightSpec> weight_spec_list(const std::vector<std::string>& specs,
                                         const std::string& bits, const std::string& roundings) {
  std::vector<WeightSpec> list;
  auto add = [&list](const WeightSpec& spec) {
    const bool seen = std::any_of(list.begin(), list.end(),
                                  [&](const WeightSpec& s) { return s.text == spec.text; });
    if (!seen) list.push_back(spec);
  };
  for (const auto& text : specs) add(parse_weight_spec(text));
  if (bits.empty()) return list;
  // The bound of bits:B in the weight specs, named here as --bits's own; 1 is
  // binary, as in qmf generalization --bits.
  const auto widths = parse_integer_list(
      bits, "--bits",
      {1, 32, "B",
       "comma-separated bit widths 1 <= B <= 32 (1: binary) and ranges a..b, e.g. 1,2,4,8"});
  const auto rounding_list =
      split_comma_list(roundings, "--rounding", "nearest, stochastic, stochastic-per-example");
  require_distinct(rounding_list, "--rounding", [](const std::string& r) { return r; });
  for (const auto& rounding : rounding_list) {
    for (const int b : widths)
      add(parse_weight_spec((b == 1 ? "binary" : "bits:" + std::to_string(b)) +
                            ",rounding=" + rounding));
  }
  return list;
}

}  // namespace qmf::cli
