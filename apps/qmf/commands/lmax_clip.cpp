#include "commands/lmax_clip.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "commands/lmax_weights.hpp"
#include "qmf/weights/clip_supremum.hpp"

namespace qmf::cli {

void require_clip_specs(const std::vector<WeightSpec>& specs) {
  if (specs.empty())
    throw std::invalid_argument("--optimise-clip needs bits:B weights (--weights or --bits)");
  for (const auto& spec : specs)
    if (spec.kind != WeightSpec::Kind::bits)
      throw std::invalid_argument("--optimise-clip: weights '" + spec.text +
                                  "' have no clip (only bits:B weights do)");
}

Json clip_rows(const std::vector<WeightSpec>& specs, const std::vector<int>& levels, double k,
               double sb2, const std::function<const DepthOptimum&(int)>& optimum_at) {
  Json rows = Json::array();
  for (const auto& spec : specs) {
    for (const int n : levels) {
      const ClipSupremum best = sb2 > 0.0 ? fixed_quantizer_clip_supremum(n, sb2, spec)
                                          : clip_supremum(optimum_at(n), spec);
      Json row = {{"weights", spec.text},
                  {"N", n},
                  {"clip_matters", best.clip_matters},
                  {"attained", best.attained},
                  {"clip", nullable_number(best.clip, "clip")},
                  {"chi_sup", number(best.chi_c, "chi_sup")},
                  {"L_sup", number(k * best.xi, "L_sup")}};
      Json path = Json::array();
      for (const auto& p : best.path)
        path.push_back({{"clip", p.clip},
                        {"noise_ratio", number(p.noise_ratio, "noise_ratio")},
                        {"sw2", nullable_number(p.sw2, "sw2")},
                        {"chi_c", number(p.chi_c, "chi_c")},
                        {"L", number(k * p.xi, "L")}});
      row["path"] = path;
      rows.push_back(row);
    }
  }
  return rows;
}

std::string clip_table(const Json& out, const char* key) {
  const bool biased = std::string(key) != "weight_clip_rows";
  std::string text = biased ? "\n" : "";
  text += tables_by_rounding(
      out, out[key], "L_sup",
      "L over (latent sigma_w^2, clip) with quantized weights (the clip named is free)",
      biased ? "fixed quantizer quant:N at sb2 = " + readable_number(out["sb2"].get<double>())
             : "sb2 = 0");
  // Where each supremum lies, per spec: the same for every N, or N by N.
  std::ostringstream where;
  for (const auto& spec : out["weights"]) {
    std::vector<std::string> places;
    std::string per_n;
    for (const auto& row : out[key]) {
      if (row["weights"] != spec) continue;
      places.push_back(!row["clip_matters"].get<bool>() ? "any clip"
                       : !row["attained"].get<bool>()
                           ? "clip -> 0 (not attained)"
                           : "clip " + readable_number(row["clip"].get<double>()));
      per_n += " N=" + std::to_string(row["N"].get<int>()) + " " + places.back();
    }
    const bool same = std::all_of(places.begin(), places.end(),
                                  [&](const std::string& p) { return p == places.front(); });
    where << spec.get<std::string>() << ":"
          << (same ? " " + places.front() + " for every N" : per_n) << '\n';
  }
  return text + "where the supremum lies:\n" + where.str();
}

}  // namespace qmf::cli
