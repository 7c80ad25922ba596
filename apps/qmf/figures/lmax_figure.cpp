#include "figures/lmax_figure.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "figures/figure.hpp"

namespace qmf::cli {

namespace {

// "N+1  1-chi_max  D~_opt  [1-chi_c at sb2]", with '?' (gnuplot's missing
// value) for N = 2's D~; the last column with --sb2 > 0 (the same N in order).
std::string rows_table(const Json& result) {
  const Json& rows = result["rows"];
  const Json* biased = result.contains("fixed_quantizer") ? &result["fixed_quantizer"] : nullptr;
  std::ostringstream out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    out << row["N"].get<int>() + 1 << ' ' << format_number(row["one_minus_chi_max"].get<double>())
        << ' '
        << (row["dtilde_opt"].is_null() ? "?" : format_number(row["dtilde_opt"].get<double>()));
    if (biased) out << ' ' << format_number(1.0 - (*biased)[i]["chi_c"].get<double>());
    out << '\n';
  }
  return out.str();
}

// The key's name of a weight spec: the canonical text without its rounding,
// which the curves' grouping says, and with its numbers at four significant
// digits (ternary's p = 1/3 would run out of the panel).
std::string spec_name(const std::string& spec) {
  static const std::regex number(R"(=([-+]?[0-9.]+(?:e[-+]?[0-9]+)?))");
  const std::string text = spec.substr(0, spec.find(",rounding="));
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), number), end; it != end; ++it) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "=%.4g", std::stod((*it)[1].str()));
    out.append(last, (*it)[0].first).append(digits);
    last = (*it)[0].second;
  }
  return out.append(last, text.cend());
}

// The quantized-weight curves: per spec with per-example noise (r > 0) a
// block "N+1 1-chi" of the sigma_b = 0 rows (`weights`) and, at sb2 > 0, one
// of the fixed quantizer's rows (`weights_sb2`), two blank lines apart for
// gnuplot's `index`; specs without noise (r = 0) only rescale sigma_w^2 and
// lie on the Gaussian-weight points, so the key names them once.
void add_weight_curves(const Json& result, Figure& figure) {
  if (!result.contains("weight_rows")) return;
  const bool biased = result.contains("weight_fixed_quantizer");
  std::ostringstream unbiased_blocks, biased_blocks;
  std::vector<std::string> noiseless;
  int curves = 0;
  for (const auto& spec_json : result["weights"]) {
    const auto spec = spec_json.get<std::string>();
    const auto of_spec = [&](const Json& rows, const char* value, bool complement) {
      std::ostringstream block;
      for (const auto& row : rows) {
        if (row["weights"] != spec) continue;
        const double y = row[value].get<double>();
        block << row["N"].get<int>() + 1 << ' ' << format_number(complement ? 1.0 - y : y) << '\n';
      }
      return block.str();
    };
    double r = 0.0;
    for (const auto& row : result["weight_rows"])
      if (row["weights"] == spec) r = row["noise_ratio"].get<double>();
    if (r == 0.0) {
      // nearest and stochastic rounding of one spec: the same name
      if (std::find(noiseless.begin(), noiseless.end(), spec_name(spec)) == noiseless.end())
        noiseless.push_back(spec_name(spec));
      continue;
    }
    ++curves;
    figure.parameters.text("weight_name_" + std::to_string(curves), spec_name(spec))
        .number("weight_r_" + std::to_string(curves), r);
    unbiased_blocks << of_spec(result["weight_rows"], "one_minus_chi_max", false) << "\n\n";
    if (biased) biased_blocks << of_spec(result["weight_fixed_quantizer"], "chi_c", true) << "\n\n";
  }
  figure.parameters.integer("weight_curves", curves);
  // A long list would run off the figure's second title line: a count instead.
  std::string names = noiseless.size() > 3 ? std::to_string(noiseless.size()) + " specs" : "";
  for (const auto& name : noiseless)
    if (noiseless.size() <= 3) names += (names.empty() ? "" : ", ") + name;
  if (!names.empty()) figure.parameters.text("noiseless_weights", names);
  if (curves == 0) return;
  figure.data.emplace_back("weights", unbiased_blocks.str());
  if (biased) figure.data.emplace_back("weights_sb2", biased_blocks.str());
}

// --optimise-clip: "N+1 1-chi_sup" of every (spec, N), at sigma_b = 0
// (`clip_rows`) and for the fixed quantizer at sb2 (`clip_rows_sb2`). One
// series for all specs: each supremum is the Gaussian-weight value (docs/cli.md,
// "The clip"), so the points ring the Gaussian ones, and a spec that fell
// short would stand apart.
void add_clip_suprema(const Json& result, Figure& figure) {
  for (const auto& [key, file] : {std::pair{"weight_clip_rows", "clip_rows"},
                                  std::pair{"weight_fixed_quantizer_clip_rows", "clip_rows_sb2"}}) {
    if (!result.contains(key)) continue;
    std::ostringstream rows;
    for (const auto& row : result[key])
      rows << row["N"].get<int>() + 1 << ' ' << format_number(1.0 - row["chi_sup"].get<double>())
           << '\n';
    figure.data.emplace_back(file, rows.str());
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_lmax_figure(const Json& result) {
  Figure figure{"lmax.gp", {{"rows", rows_table(result)}}, {}};
  add_weight_curves(result, figure);
  add_clip_suprema(result, figure);
  auto& p = figure.parameters;
  if (result.contains("fixed_quantizer")) p.number("sb2", result["sb2"].get<double>());
  p.text("family", result["family"].get<std::string>()).number("k", result.value("k", 6.0));
  // The reference curves: the paper's fits (uniform, up to N = 1025), or the
  // high-resolution limits for the --exponents study (up to N = 10^6).
  const bool asymptotic = result["rows"].front().contains("local_exponent");
  p.text("reference", asymptotic                      ? "asymptotic"
                      : result["family"] == "uniform" ? "published"
                                                      : "none");
  for (const char* fit : {"fit", "dtilde_fit"}) {
    if (!result.contains(fit)) continue;
    p.number(std::string(fit) + "_intercept", result[fit]["intercept"].get<double>())
        .number(std::string(fit) + "_slope", result[fit]["slope"].get<double>());
  }
  return render_figure(figure);
}

}  // namespace qmf::cli
