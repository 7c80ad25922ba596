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

Json biased_weight_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels,
                        double sb2, double k) {
  Json rows = Json::array();
  for (const auto& spec : specs) {
    for (const int n : levels) {
      const auto optimum = weight_fixed_quantizer_optimum(n, sb2, spec);
      const auto& p = optimum.point;
      rows.push_back({{"weights", spec.text},
                      {"N", n},
                      {"noise_ratio", number(optimum.noise_ratio, "noise_ratio")},
                      {"sw2", number(p.sw2, "sw2")},
                      {"sw2_effective", number(optimum.sw2_effective, "sw2_effective")},
                      {"weight_noise", number(optimum.weight_noise, "weight_noise")},
                      {"q_star", number(p.q_star, "q_star")},
                      {"c_star", number(p.c_star, "c_star")},
                      {"chi_c", number(p.chi_c, "chi_c")},
                      {"xi", number(p.xi, "xi")},
                      {"L", number(k * p.xi, "L")}});
    }
  }
  return rows;
}

std::string tables_by_rounding(const Json& out, const Json& rows, const char* value,
                               const std::string& title, const std::string& condition) {
  std::map<std::string, std::vector<std::string>> by_rounding;  // rounding -> spec texts
  for (const auto& spec : out["weights"]) {
    const auto text = spec.get<std::string>();
    const auto at = text.find(",rounding=");
    by_rounding[at == std::string::npos ? "-" : text.substr(at + 10)].push_back(text);
  }
  std::map<std::pair<std::string, int>, double> values;
  for (const auto& row : rows)
    values[{row["weights"].get<std::string>(), row["N"].get<int>()}] = row[value].get<double>();
  std::ostringstream text;
  for (const auto& [rounding, specs] : by_rounding) {
    text << title << ", rounding " << rounding << " (" << condition << ")\nN";
    for (const auto& spec : specs) text << "  " << spec.substr(0, spec.find(",rounding="));
    text << '\n';
    for (const auto& n : out["levels"]) {
      text << n.get<int>();
      for (const auto& spec : specs) text << "  " << format_number(values.at({spec, n.get<int>()}));
      text << '\n';
    }
  }
  return text.str();
}

std::string weight_table(const Json& out) {
  return tables_by_rounding(out, out["weight_rows"], "L_max", "L_max with quantized weights",
                            "sb2 = 0");
}

std::string biased_weight_table(const Json& out) {
  // A blank line first: the table follows the fixed-quantizer tables.
  std::string text = "\n";
  text += tables_by_rounding(
      out, out["weight_fixed_quantizer"], "L",
      "L of the fixed quantizer quant:N with quantized weights",
      "best latent sigma_w^2 at sb2 = " + readable_number(out["sb2"].get<double>()));
  return text;
}

}  // namespace qmf::cli
