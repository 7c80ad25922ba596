#include "commands/finite_width_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "cli/simulation_method.hpp"

namespace qmf::cli {

namespace {

// Per layer, n x (simulated - mean field) of one quantity over the widths.
struct Deviations {
  std::vector<double> y, se;
};

Json fit_json(const std::vector<double>& widths, const Deviations& d) {
  const auto fit = fit_inverse_width(widths, d.y, d.se);
  return {{"a", number(fit.a, "a")},
          {"a_se", number(fit.a_se, "a_se")},
          {"chi2_per_dof", number(fit.chi2_per_dof, "chi2_per_dof")}};
}

// The fits of layer l: q, its chain and c at layers >= 1, the gradient
// (relative to the mean field) below the last layer.
Json layer_json(const Study& st, const std::vector<double>& widths, int l) {
  const auto& mf = st.mf[l];
  Json out{{"l", l},
           {"q_mf", number(mf.q, "q_mf")},
           {"c_mf", number(mf.c[0], "c_mf")},
           {"grad_mf", number(mf.grad, "grad_mf")}};
  Deviations q, chain, c, grad;
  for (const auto& r : st.runs) {
    q.y.push_back(r.sim[l].q.mean - mf.q), q.se.push_back(r.sim[l].q.se);
    chain.y.push_back(r.chain[l].mean - mf.q), chain.se.push_back(r.chain[l].se);
    c.y.push_back(r.sim[l].c[0].mean - mf.c[0]), c.se.push_back(r.sim[l].c[0].se);
    grad.y.push_back(r.sim[l].grad.mean / mf.grad - 1.0);
    grad.se.push_back(r.sim[l].grad.se / mf.grad);
  }
  if (l >= 1) {
    out["q"] = fit_json(widths, q);
    out["q_chain"] = fit_json(widths, chain);
    out["c"] = fit_json(widths, c);
    out["q_theory"] = number(st.theory[l].bias, "q_theory");
    out["var_v_theory"] = number(st.theory[l].variance, "var_v_theory");
    const auto& widest = st.runs.back();
    const double se = widest.chain[l].se;
    out["var_v_chain"] = widest.n * widest.nets * se * se;
  }
  if (l < st.settings.depth) out["grad"] = fit_json(widths, grad);
  return out;
}

// Why the decay length of d over the window is missing, or "" when it is not.
// Noise is a reason for the nets' d only. Where the mean field is marginal
// (xi_c = inf: tanh at sw2 = 1, sb2 = 0, the defaults) its d never decays
// exponentially, and no depth or window helps.
std::string gap_reason(DecayGap gap, bool simulated, const std::string& window, bool marginal) {
  const std::string d = simulated ? "the nets' mean d" : "the mean-field d";
  switch (gap) {
    case DecayGap::none:
      return "";
    case DecayGap::not_positive:
      return d + " sums to zero or less over the later half of layers " + window +
             (simulated ? " (noise: more nets)" : " (the pairs' correlations meet)");
    case DecayGap::not_decaying:
      return d + " = c_b - c_a does not decay over layers " + window +
             (simulated  ? " (it grows or stays flat, or noise hides the decay)"
              : marginal ? " (the mean field is marginal here, xi_c = inf: its d decays "
                           "more slowly than any exponential at every depth; a point with "
                           "finite xi_c, e.g. --sb2 > 0)"
                         : " (it grows or stays flat: the transient before the asymptotic "
                           "decay; a deeper net or a later --xi-layers window)");
  }
  return "";
}

}  // namespace

std::string missing_depth_reason(const Study& st, const WidthRun& r) {
  const std::string window = std::to_string(st.xi_first) + ".." + std::to_string(st.xi_last);
  std::vector<std::string> clauses;
  const auto add = [&](const char* field, const std::string& why) {
    if (!why.empty()) clauses.push_back(std::string(field) + ": " + why);
  };
  const bool marginal = !std::isfinite(st.xi_c);
  add("xi_sim", gap_reason(r.depth.sim_gap, true, window, marginal));
  add("xi_mf", gap_reason(r.depth.mf_gap, false, window, marginal));
  if (std::isnan(r.depth.ratio)) add("ratio", "needs both xi_sim and xi_mf");
  if (std::isnan(r.depth.ratio_se))
    add("ratio_se", st.batches < 2 ? "one batch (--batches G >= 2 for a bootstrap error)"
                    : std::isnan(r.depth.ratio)
                        ? "no ratio"
                        : "more than 1 % of the bootstrap resamples have no decay length");
  std::string text;
  for (const auto& clause : clauses) text += (text.empty() ? "" : "; ") + clause;
  return text;
}

const char* const fit_header =
    "l,q_mf,a_q,a_q_se,a_q_chain,a_q_chain_se,a_q_theory,var_v_chain,var_v_theory,a_c,a_c_se,"
    "a_grad,a_grad_se\n";

const char* const width_header =
    "n,l,q_sim,q_se,q_chain,q_chain_se,q_mf,c_sim,c_se,c_mf,grad_sim,grad_se,grad_mf\n";

Json study_json(const Study& st, const std::vector<double>& widths) {
  const auto& s = st.settings;
  Json out = header("finite-width");
  out["act"] = st.phi->spec();
  out["sw2"] = s.init.sw2;
  out["sb2"] = s.init.sb2;
  out["depth"] = s.depth;
  out["q0"] = s.q0;
  out["c0"] = s.c0;
  Json nets = Json::array();
  for (const auto& r : st.runs) nets.push_back(r.nets);
  out["nets"] = nets;  // per width
  out["seed"] = s.seed;
  out["method"] = method_name(chosen_method(*st.phi, s));
  if (st.phi->is_step()) {
    out["ste_slope"] = number(s.surrogate.slope, "ste_slope");
    out["ste_clip"] = number(s.surrogate.clip, "ste_clip");
  }
  set_number(out, "xi_c", st.xi_c);
  out["batches"] = st.batches;
  out["xi_layers"] = {st.xi_first, st.xi_last};
  Json runs = Json::array();
  for (const auto& r : st.runs)
    runs.push_back({{"n", r.n},
                    {"nets", r.nets},
                    {"xi_sim", nullable_number(r.depth.xi_sim, "xi_sim")},
                    {"xi_mf", nullable_number(r.depth.xi_mf, "xi_mf")},
                    {"ratio", nullable_number(r.depth.ratio, "ratio")},
                    {"ratio_se", nullable_number(r.depth.ratio_se, "ratio_se")},
                    {"reason", missing_depth_reason(st, r)}});
  out["widths"] = runs;
  // With one batch no ratio has an error: a width reaching 0.9, or a crossing,
  // of noisy ratios is no finding (a ratio of 52 from a 6-layer window is noise).
  const int reached = st.batches >= 2 ? width_reaching(st, 0.9) : 0;
  out["width_90"] = reached > 0 ? Json(reached) : Json(nullptr);
  const double crossing = st.batches >= 2 ? crossing_width(st, 0.9, 0.0) : std::nan("");
  out["width_90_interpolated"] = nullable_number(crossing, "width_90");
  out["width_90_range"] = {nullable_number(crossing_width(st, 0.9, 2.0), "width_90"),
                           nullable_number(crossing_width(st, 0.9, -2.0), "width_90")};
  Json layers = Json::array();
  for (int l = 0; l <= s.depth; ++l) layers.push_back(layer_json(st, widths, l));
  out["layers"] = layers;
  return out;
}

std::string fit_rows(const Json& layers, char separator, const std::string& missing,
                     std::string (*format)(double)) {
  std::ostringstream text;
  auto cell = [&](const Json& layer, const char* fit, const char* key) {
    const bool has = fit ? layer.contains(fit) : layer.contains(key);
    const Json* value = has ? (fit ? &layer[fit][key] : &layer[key]) : nullptr;
    text << separator << (value && value->is_number() ? format(value->get<double>()) : missing);
  };
  for (const auto& layer : layers) {
    text << layer["l"].get<int>();
    cell(layer, nullptr, "q_mf");
    for (const char* fit : {"q", "q_chain"}) cell(layer, fit, "a"), cell(layer, fit, "a_se");
    for (const char* key : {"q_theory", "var_v_chain", "var_v_theory"}) cell(layer, nullptr, key);
    for (const char* fit : {"c", "grad"}) cell(layer, fit, "a"), cell(layer, fit, "a_se");
    text << '\n';
  }
  return text.str();
}

std::string width_rows(const Study& st) {
  std::ostringstream text;
  for (const auto& r : st.runs)
    for (int l = 0; l <= st.settings.depth; ++l) {
      const auto& sim = r.sim[l];
      const auto& mf = st.mf[l];
      const double values[] = {sim.q.mean,    sim.q.se,      r.chain[l].mean, r.chain[l].se,
                               mf.q,          sim.c[0].mean, sim.c[0].se,     mf.c[0],
                               sim.grad.mean, sim.grad.se,   mf.grad};
      text << r.n << ',' << l;
      for (const double x : values) text << ',' << format_number(x);
      text << '\n';
    }
  return text.str();
}

std::string length_residual_rows(const Study& st, int l) {
  std::vector<double> widths, y, se;
  for (const auto& r : st.runs)
    widths.push_back(r.n), y.push_back(r.sim[l].q.mean - st.mf[l].q), se.push_back(r.sim[l].q.se);
  const auto fit = fit_inverse_width(widths, y, se);
  std::ostringstream text;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    const double n = widths[i];
    text << st.runs[i].n << ' ' << format_number((y[i] - fit.a / n - fit.b / (n * n)) / se[i])
         << '\n';
  }
  return text.str();
}

std::string study_text(const Study& st, const Json& out) {
  // Six digits, and "-" where there is no value, as in the fit table below.
  const auto cell = readable_number;
  std::ostringstream text;
  Json summary = out;
  summary.erase("layers");
  summary.erase("widths");
  text << key_value_table(summary) << "\nn xi_sim xi_mf ratio ratio_se\n";
  for (const auto& r : st.runs)
    text << r.n << ' ' << cell(r.depth.xi_sim) << ' ' << cell(r.depth.xi_mf) << ' '
         << cell(r.depth.ratio) << ' ' << cell(r.depth.ratio_se) << '\n';
  // Why a '-' above, once for the widths that share a reason.
  std::vector<std::pair<std::string, std::string>> reasons;  // reason, widths
  for (const auto& r : st.runs) {
    const std::string why = missing_depth_reason(st, r);
    if (why.empty()) continue;
    const auto same = std::find_if(reasons.begin(), reasons.end(),
                                   [&](const auto& entry) { return entry.first == why; });
    if (same == reasons.end())
      reasons.emplace_back(why, std::to_string(r.n));
    else
      same->second += ", " + std::to_string(r.n);
  }
  for (const auto& [why, widths] : reasons) text << "- at n = " << widths << ": " << why << '\n';
  std::string header = fit_header;
  std::replace(header.begin(), header.end(), ',', ' ');
  text << '\n' << header << fit_rows(out["layers"], ' ', "-", readable_number);
  return text.str();
}

}  // namespace qmf::cli
