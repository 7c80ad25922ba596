#include "commands/lmax_output.hpp"

#include <sstream>
#include <utility>

#include "commands/lmax_bias.hpp"
#include "commands/lmax_clip.hpp"
#include "commands/lmax_weights.hpp"

namespace qmf::cli {

namespace {

std::string cell(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_number_float()) return format_number(value.get<double>());
  return value.dump();
}

}  // namespace

std::string rows_csv(const Json& rows) {
  std::ostringstream out;
  bool first = true;
  for (const auto& [key, value] : rows.front().items()) {
    out << (first ? "" : ",") << key;
    first = false;
  }
  out << '\n';
  for (const auto& row : rows) {
    first = true;
    for (const auto& [key, value] : row.items()) {
      out << (first ? "" : ",") << cell(value);
      first = false;
    }
    out << '\n';
  }
  return out.str();
}

std::string lmax_readable(const Json& out) {
  std::ostringstream text;
  text << "family " << out["family"].get<std::string>()
       << ", L_max = k xi_max with k = " << readable_number(out["k"].get<double>()) << "\n";
  // Columns two spaces apart, none after the last.
  const char* gap = "";
  for (const auto& [key, value] : out["rows"].front().items())
    text << std::exchange(gap, "  ") << key;
  text << '\n';
  for (const auto& row : out["rows"]) {
    gap = "";
    for (const auto& [key, value] : row.items())
      text << std::exchange(gap, "  ")
           << (value.is_null()           ? "-"
               : value.is_number_float() ? readable_number(value.get<double>())
                                         : cell(value));
    text << '\n';
  }
  for (const char* fit : {"fit", "dtilde_fit"}) {
    if (!out.contains(fit)) continue;
    const auto& f = out[fit];
    text << (std::string(fit) == "fit" ? "fit ln(1 - chi_max)" : "fit ln(dtilde_opt)")
         << " = slope ln(N+1) + intercept: slope " << readable_number(f["slope"].get<double>())
         << " +- " << readable_number(f["stderr"].get<double>()) << ", intercept "
         << readable_number(f["intercept"].get<double>()) << ", r2 "
         << readable_number(f["r2"].get<double>()) << '\n';
  }
  if (out.contains("weight_rows")) text << weight_table(out);
  if (out.contains("weight_clip_rows")) text << clip_table(out, "weight_clip_rows");
  if (out.contains("n_min"))
    text << "n_min " << out["n_min"].get<int>()
         << " (smallest N with L_max >= " << readable_number(out["depth"].get<double>()) << ")\n";
  if (out.contains("fixed_quantizer")) text << biased_depth_table(out);
  if (out.contains("weight_fixed_quantizer")) text << biased_weight_table(out);
  if (out.contains("weight_n_min")) text << weight_n_min_table(out);
  if (out.contains("weight_fixed_quantizer_clip_rows"))
    text << clip_table(out, "weight_fixed_quantizer_clip_rows");
  return text.str();
}

}  // namespace qmf::cli
