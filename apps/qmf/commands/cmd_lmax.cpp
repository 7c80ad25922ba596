// qmf lmax: the largest correlation depth scale an N-level activation reaches,
// L_max(N) = k xi_max(N), with the paper's power-law fit (theory.md section 3).
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/comma_list.hpp"
#include "cli/level_list.hpp"
#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/weight_list.hpp"
#include "commands/commands.hpp"
#include "commands/lmax_bias.hpp"
#include "commands/lmax_clip.hpp"
#include "commands/lmax_output.hpp"
#include "commands/lmax_rows.hpp"
#include "commands/lmax_weights.hpp"
#include "figures/figure.hpp"
#include "figures/lmax_figure.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/minimum_levels.hpp"

namespace qmf::cli {

namespace {

struct LmaxOptions {
  std::string levels;
  std::string family = "uniform";
  std::optional<std::string> fit;  // none: no fit; "" is a malformed list
  double k = 6.0;
  double sb2 = 0.0;  // > 0: the fixed-quantizer and joint answers beside the rows
  double depth = 0.0;
  bool has_depth = false;
  bool exponents = false;
  bool json = false;
  std::string out;
  std::vector<std::string> weights;
  std::string bits;
  std::string rounding = "nearest,stochastic,stochastic-per-example";
  bool has_rounding = false;
  bool optimise_clip = false;
};

// Searches over sigma_w^2 per N of the clip supremum at sb2 > 0: the scan of
// qmf/weights/clip_supremum.hpp (33 clips) and its path (3) per per-example
// spec, the path per other spec.
int clip_searches(const std::vector<WeightSpec>& weights) {
  int searches = 0;
  for (const auto& spec : weights)
    searches += spec.rounding == Rounding::stochastic_per_example ? 36 : 3;
  return searches;
}

Json lmax_result(const LmaxOptions& o) {
  if (!(o.k > 0.0 && std::isfinite(o.k)))
    throw std::invalid_argument("--k must be a positive finite number (got " + format_number(o.k) +
                                ")");
  if (o.has_depth && !(o.depth > 0.0 && std::isfinite(o.depth)))
    throw std::invalid_argument("--depth must be a positive finite number of layers");
  if (!(o.sb2 >= 0.0 && std::isfinite(o.sb2)))
    throw std::invalid_argument("--sb2 must be a non-negative finite number");
  if (o.sb2 > 0.0 && o.family != "uniform")
    throw std::invalid_argument("--sb2 > 0 is implemented for --family uniform only");
  const auto levels = parse_level_list(o.levels, "--levels");
  const auto fit_levels = o.fit ? parse_level_list(*o.fit, "--fit") : std::vector<int>{};
  require_bounded_work(levels, fit_levels);
  const auto weights = weight_spec_list(o.weights, o.bits, o.rounding);
  if (o.optimise_clip) require_clip_specs(weights);
  if (o.has_depth && o.sb2 > 0.0) require_bounded_weight_depth_search(weights);
  // At sb2 > 0 every weight spec is one more search over sigma_w^2 per N.
  if (o.sb2 > 0.0)
    require_bounded_biased_work(levels, 1 + static_cast<int>(weights.size()) +
                                            (o.optimise_clip ? clip_searches(weights) : 0));
  const bool lloyd = o.family == "lloyd";
  DepthOptima cache(lloyd ? QuantizerFamily::lloyd_max : QuantizerFamily::uniform);
  DepthOptima uniform(QuantizerFamily::uniform);

  Json out = header("lmax");
  out["family"] = o.family;
  out["k"] = o.k;
  out["sb2"] = o.sb2;
  out["levels"] = levels;
  out["exponents"] = o.exponents;
  if (!fit_levels.empty()) out["fit_levels"] = fit_levels;
  Json rows = Json::array();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const int n = levels[i];
    const auto& optimum = cache.at(n);
    Json row = {{"N", n},
                {"dtilde_opt", nullable_number(optimum.dtilde_opt, "dtilde_opt")},
                {"one_minus_chi_max", number(optimum.one_minus_chi_max, "one_minus_chi_max")},
                {"chi_max", number(optimum.chi_max, "chi_max")},
                {"xi_max", number(optimum.xi_max, "xi_max")},
                {"L_max", number(max_trainable_depth(optimum, o.k), "L_max")},
                {"sw2_opt", nullable_number(optimum.sw2_opt, "sw2_opt")}};
    // Secant slope of ln(1 - chi_max) against ln(N + 1) over the listed neighbours.
    row["local_slope"] = Json();
    if (i > 0 && i + 1 < levels.size()) {
      const int below = levels[i - 1];
      const int above = levels[i + 1];
      row["local_slope"] =
          number(std::log(cache.at(above).one_minus_chi_max / cache.at(below).one_minus_chi_max) /
                     std::log((above + 1.0) / (below + 1.0)),
                 "local_slope");
    }
    if (lloyd) row["xi_ratio"] = number(optimum.xi_max / uniform.at(n).xi_max, "xi_ratio");
    if (o.exponents)
      row["local_exponent"] =
          n >= 4 ? number(local_exponent(
                              lloyd ? QuantizerFamily::lloyd_max : QuantizerFamily::uniform, n),
                          "local_exponent")
                 : Json();
    rows.push_back(row);
  }
  out["rows"] = rows;
  if (!weights.empty()) {
    out["weights"] = Json::array();
    for (const auto& spec : weights) out["weights"].push_back(spec.text);
    out["weight_rows"] = weight_rows(weights, levels, o.k,
                                     [&](int n) -> const DepthOptimum& { return cache.at(n); });
  }
  if (o.has_rounding && o.bits.empty()) throw std::invalid_argument("--rounding needs --bits");
  if (!o.bits.empty()) {
    out["bits"] = o.bits;
    out["rounding"] = o.rounding;
  }
  if (!fit_levels.empty()) add_fits(out, fit_levels, cache);
  if (o.has_depth) {
    const auto n_min = minimum_levels(o.depth, o.k, cache);
    if (!n_min)
      throw std::invalid_argument("--depth: no N <= " + std::to_string(max_searched_levels) +
                                  " reaches L_max >= " + format_number(o.depth));
    out["depth"] = o.depth;
    out["n_min"] = n_min->levels;
    out["L_max_at_n_min"] = number(n_min->depth, "L_max");
  }
  if (o.sb2 > 0.0)
    add_biased_depth(out, levels, o.sb2, o.k,
                     o.has_depth ? std::optional<double>(o.depth) : std::nullopt);
  if (o.has_depth && !weights.empty()) add_weight_n_min(out, weights, o.depth, o.k, cache);
  if (o.sb2 > 0.0 && !weights.empty())
    out["weight_fixed_quantizer"] = biased_weight_rows(weights, levels, o.sb2, o.k);
  out["optimise_clip"] = o.optimise_clip;
  if (o.optimise_clip) {
    const auto unbiased = [&](int n) -> const DepthOptimum& { return cache.at(n); };
    out["weight_clip_rows"] = clip_rows(weights, levels, o.k, 0.0, unbiased);
    if (o.sb2 > 0.0)
      out["weight_fixed_quantizer_clip_rows"] = clip_rows(weights, levels, o.k, o.sb2, unbiased);
  }
  return out;
}

void run(const LmaxOptions& o) {
  if (!o.out.empty()) figure_script("lmax.gp");  // an incomplete installation fails at once
  const auto start = std::chrono::steady_clock::now();
  Json out = lmax_result(o);
  if (!o.out.empty()) {
    Json metadata = out;
    metadata["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<std::pair<std::string, std::string>> files = {{".csv", rows_csv(out["rows"])},
                                                              {".json", metadata.dump(2) + "\n"}};
    if (out.contains("weight_rows"))
      files.push_back({"_weights.csv", rows_csv(out["weight_rows"])});
    if (out.contains("weight_fixed_quantizer"))
      files.push_back({"_weights_sb2.csv", rows_csv(out["weight_fixed_quantizer"])});
    for (auto& figure : render_lmax_figure(out)) files.push_back(std::move(figure));
    write_files(o.out, files, {"_weights.csv", "_weights_sb2.csv"});
  }
  std::cout << (o.json ? out.dump(2) + "\n" : lmax_readable(out));
}

}  // namespace

void add_lmax_command(CLI::App& app) {
  auto options = std::make_shared<LmaxOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lmax",
      "Maximal depth scale xi_max(N) and trainable depth L_max = k xi_max of N-level activations");
  cmd->add_option("--levels", options->levels,
                  "level counts N: integers and ranges a..b, e.g. 2..64,128")
      ->required();
  cmd->add_option("--family", options->family, "uniform (quant:N) or lloyd (lloyd:N, Lloyd-Max)")
      ->check(CLI::IsMember({"uniform", "lloyd"}))
      ->capture_default_str();
  cmd->add_option("--fit", options->fit, "fit ln(1 - chi_max) against ln(N+1) over these N (LIST)");
  cmd->add_option("--k", options->k, "L_max = k xi_max")->capture_default_str();
  cmd->add_option("--sb2", options->sb2,
                  "bias variance sigma_b^2 > 0: also the fixed quantizer's best sigma_w^2 per N "
                  "and the supremum over (sigma_w^2, D) (uniform family, N >= 3)")
      ->capture_default_str();
  cmd->add_option("--depth", options->depth, "also report n_min, the smallest N with L_max >= L");
  cmd->add_flag("--exponents", options->exponents,
                "add local_exponent = d ln(1 - chi_max) / d ln N per row (central difference)");
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->add_option(
      "--weights", options->weights,
      "weight spec (as for maps), repeatable: adds L_max(N, weights) at sb2 = 0, "
      "chi_max / (1 + r) for per-example rounding (r = nu / E[clip(w)^2], the noise per "
      "unit of shared weight variance), and with --sb2 > 0 the "
      "fixed quantizer's L at its best latent sigma_w^2 with these weights");
  cmd->add_option(
      "--bits", options->bits,
      "shorthand: bits:B for each B of this list (1..32, 1: binary), with each --rounding");
  cmd->add_option("--rounding", options->rounding, "roundings for --bits (comma-separated)")
      ->capture_default_str();
  cmd->add_flag("--optimise-clip", options->optimise_clip,
                "with bits:B weights: also L maximised over the latent sigma_w^2 and the clip "
                "together (at sb2 = 0 and, with --sb2 > 0, for the fixed quantizer), with the "
                "clip where the supremum lies");
  add_out_option(*cmd, options->out,
                 "write PREFIX.csv, PREFIX.json, the figure PREFIX.png/.svg/.pdf and, with "
                 "weights, PREFIX_weights.csv (and PREFIX_weights_sb2.csv at --sb2 > 0)");
  cmd->callback([options, cmd] {
    options->has_depth = cmd->count("--depth") > 0;
    options->has_rounding = cmd->count("--rounding") > 0;
    // --bits '' is an empty list, not the absence of --bits.
    if (cmd->count("--bits") > 0 && options->bits.empty())
      split_comma_list(options->bits, "--bits", "comma-separated bit widths 2 <= B <= 32");
    run(*options);
  });
}

}  // namespace qmf::cli
