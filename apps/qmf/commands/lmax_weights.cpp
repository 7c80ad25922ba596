#include "commands/lmax_weights.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "cli/level_list.hpp"
#include "qmf/weights/minimum_levels.hpp"

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

void require_bounded_weight_depth_search(const std::vector<WeightSpec>& specs) {
  int noisy = 0;
  for (const auto& spec : specs) noisy += spec.rounding == Rounding::stochastic_per_example;
  if (noisy > max_noisy_depth_searches)
    throw std::invalid_argument(
        "--depth: at --sb2 > 0 each per-example weight spec is a search over N <= 4096 (up to "
        "~40 s); give at most " +
        std::to_string(max_noisy_depth_searches) + " per command (got " + std::to_string(noisy) +
        ")");
}

namespace {

// {n_min, the depth it reaches} as JSON, both null where no N reaches the depth.
std::pair<Json, Json> n_min_json(const std::optional<MinimumLevels>& n_min, const char* what) {
  if (!n_min.has_value()) return {Json(), Json()};
  return {Json(n_min->levels), number(n_min->depth, what)};
}

}  // namespace

void add_weight_n_min(Json& out, const std::vector<WeightSpec>& specs, double depth, double k,
                      DepthOptima& optima) {
  const double sb2 = out["sb2"].get<double>();
  Json rows = Json::array();
  for (const auto& spec : specs) {
    const auto [n, at_n] = n_min_json(minimum_levels(depth, k, optima, spec), "L_max");
    Json row = {{"weights", spec.text}, {"n_min", n}, {"L_max_at_n_min", at_n}};
    const double sup = weight_depth_supremum(spec, k);
    set_number(row, "L_max_sup", sup);  // infinite without per-example noise (r = 0)
    if (sb2 > 0.0 && std::isinf(sup)) {
      // No per-example noise: a rescaling of sigma_w^2, the Gaussian-weight answer.
      row["n_min_fixed_quantizer"] = out["n_min_fixed_quantizer"];
      row["L_at_n_min_fixed_quantizer"] = out["L_at_n_min_fixed_quantizer"];
    } else if (sb2 > 0.0) {
      const auto [n_fixed, at_n_fixed] =
          n_min_json(fixed_quantizer_minimum_levels(depth, k, sb2, spec), "L");
      row["n_min_fixed_quantizer"] = n_fixed;
      row["L_at_n_min_fixed_quantizer"] = at_n_fixed;
    }
    rows.push_back(row);
  }
  out["weight_n_min"] = rows;
}

std::string weight_n_min_table(const Json& out) {
  std::ostringstream text;
  const std::string depth = readable_number(out["depth"].get<double>());
  const bool biased = out["sb2"].get<double>() > 0.0;
  text << "\nn_min with quantized weights (smallest N with L >= " << depth << "):\n";
  for (const auto& row : out["weight_n_min"]) {
    text << row["weights"].get<std::string>() << ": ";
    if (!row["n_min"].is_null())
      text << row["n_min"].get<int>() << " (L_max "
           << readable_number(row["L_max_at_n_min"].get<double>()) << ")";
    else if (get_number(row, "L_max_sup") <= out["depth"].get<double>())
      text << "none (L_max < " << readable_number(row["L_max_sup"].get<double>())
           << " = k / ln(1 + r) for every N)";
    else
      text << "none up to N = " << max_searched_levels;
    if (biased) {
      text << "; at sb2 = " << readable_number(out["sb2"].get<double>()) << " (fixed quantizer): ";
      if (row["n_min_fixed_quantizer"].is_null())
        text << "none up to N = " << max_searched_biased_levels;
      else
        text << row["n_min_fixed_quantizer"].get<int>() << " (L "
             << readable_number(row["L_at_n_min_fixed_quantizer"].get<double>()) << ")";
    }
    text << '\n';
  }
  return text.str();
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
      for (const auto& spec : specs)
        text << "  " << readable_number(values.at({spec, n.get<int>()}));
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
