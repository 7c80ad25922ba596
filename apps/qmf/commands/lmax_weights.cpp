#include "commands/lmax_weights.hpp"

#include <map>
#include <sstream>
#include <utility>

namespace qmf::cli {

Json weight_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels, double k,
                 const std::function<const DepthOptimum&(int)>& optimum_at) {
  Json rows = Json::array();
  for (const auto& spec : specs) {
    for (const int n : levels) {
      const auto optimum = weight_depth_optimum(optimum_at(n), spec);
      rows.push_back({{"weights", spec.text},
                      {"N", n},
                      {"noise_ratio", number(optimum.noise_ratio, "noise_ratio")},
                      {"one_minus_chi_max", number(optimum.one_minus_chi_max, "one_minus_chi_max")},
                      {"chi_max", number(optimum.chi_max, "chi_max")},
                      {"xi_max", number(optimum.xi_max, "xi_max")},
                      {"L_max", number(k * optimum.xi_max, "L_max")},
                      {"sw2_opt", nullable_number(optimum.sw2_opt, "sw2_opt")},
                      {"sw2_effective", nullable_number(optimum.sw2_effective, "sw2_effective")}});
    }
  }
  return rows;
}

std::string weight_table(const Json& out) {
  std::map<std::string, std::vector<std::string>> by_rounding;  // rounding -> spec texts
  for (const auto& spec : out["weights"]) {
    const auto text = spec.get<std::string>();
    const auto at = text.find(",rounding=");
    by_rounding[at == std::string::npos ? "-" : text.substr(at + 10)].push_back(text);
  }
  std::map<std::pair<std::string, int>, double> l_max;
  for (const auto& row : out["weight_rows"])
    l_max[{row["weights"].get<std::string>(), row["N"].get<int>()}] = row["L_max"].get<double>();
  std::ostringstream text;
  for (const auto& [rounding, specs] : by_rounding) {
    text << "L_max with quantized weights, rounding " << rounding << " (sb2 = 0)\nN";
    for (const auto& spec : specs) text << "  " << spec.substr(0, spec.find(",rounding="));
    text << '\n';
    for (const auto& n : out["levels"]) {
      text << n.get<int>();
      for (const auto& spec : specs) text << "  " << format_number(l_max.at({spec, n.get<int>()}));
      text << '\n';
    }
  }
  return text.str();
}

}  // namespace qmf::cli
