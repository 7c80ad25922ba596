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
  const auto widths = parse_level_list(bits, "--bits");
  for (const auto& rounding :
       split_comma_list(roundings, "--rounding", "nearest, stochastic, stochastic-per-example")) {
    for (const int b : widths)
      add(parse_weight_spec("bits:" + std::to_string(b) + ",rounding=" + rounding));
  }
  return list;
}

}  // namespace qmf::cli
