#include "commands/finite_width_study.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "cli/comma_list.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/straight_through.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf::cli {

namespace {

// The mean over a batch's nets of the two pairs' correlation difference, per layer.
std::vector<double> c_difference(const std::vector<SimulatedLayer>& layers) {
  std::vector<double> d;
  for (const auto& layer : layers) d.push_back(layer.c[1].mean - layer.c[0].mean);
  return d;
}

// The nets at width number k of --widths.
int nets_at(const FiniteWidthOptions& o, std::size_t k) {
  return static_cast<int>(o.nets.size() == 1 ? o.nets[0] : o.nets[k]);
}

SimulationSettings base_settings(const FiniteWidthOptions& o, const Activation& phi) {
  SimulationSettings s = o.settings;
  // The correlation depth is measured on the difference of the two pairs'
  // correlations: equal pairs have none, and c0 = +-1 pins a pair in place.
  if (s.c0.size() != 2 || !(std::fabs(s.c0[0]) < 1.0 && std::fabs(s.c0[1]) < 1.0) ||
      s.c0[0] == s.c0[1])
    throw std::invalid_argument(
        "--c0 needs two different correlations in (-1, 1) (the depth is measured on their "
        "difference)");
  if (o.widths.size() < 3) throw std::invalid_argument("--widths needs at least three widths");
  // A width listed twice would be the same nets twice, fitted as if independent.
  require_distinct(o.widths, "--widths", [](double w) { return format_number(w); });
  // The correlation depth is fitted over at least four layers (FIRST + 3 <= LAST).
  if (s.depth < 3)
    throw std::invalid_argument("--depth must be at least 3 (got " + std::to_string(s.depth) +
                                "): the correlation depth is fitted over four layers or more");
  if (o.nets.size() != 1 && o.nets.size() != o.widths.size())
    throw std::invalid_argument("--nets needs one count or one per width (" +
                                std::to_string(o.widths.size()) + "), got " +
                                std::to_string(o.nets.size()));
  for (const double r : o.nets)
    if (!(r >= 2 && r <= 1e9 && r == std::floor(r)))
      throw std::invalid_argument("--nets must be integers of at least 2");
  const auto given = parse_sw2_choice(o.sw2);
  s.init.sw2 = given ? *given : critical_sw2(phi, s.init.sb2);
  s.surrogate = straight_through_for(phi, s.init, s.q0, {}, {});
  for (std::size_t k = 0; k < o.widths.size(); ++k) {
    const double n = o.widths[k];
    if (!(n >= 2 && n <= 1 << 30 && n == std::floor(n)))
      throw std::invalid_argument("--widths must be integers from 2 to 2^30");
    s.width = static_cast<int>(n);
    s.nets = nets_at(o, k);
    validate(s);
    if (!o.xi_layers.empty()) {
      const bool integers = o.xi_layers.size() == 2 &&
                            o.xi_layers[0] == std::floor(o.xi_layers[0]) &&
                            o.xi_layers[1] == std::floor(o.xi_layers[1]);
      if (!integers || !(o.xi_layers[0] >= 0 && o.xi_layers[1] - o.xi_layers[0] >= 3 &&
                         o.xi_layers[1] <= s.depth))
        throw std::invalid_argument(
            "--xi-layers needs two layers FIRST,LAST, 0 <= FIRST, FIRST + 3 <= LAST <= depth");
    }
    if (o.batches < 1 || o.batches > s.nets / 2)
      throw std::invalid_argument(
          "--batches must be from 1 to nets / 2 = " + std::to_string(s.nets / 2) +
          " (two nets per batch; got " + std::to_string(o.batches) + ")");
    require_simulation_resources(phi, s);
  }
  return s;
}

}  // namespace

Study run_study(const FiniteWidthOptions& o) {
  Study study;
  study.phi = make_activation(o.act);
  study.act = o.act;
  study.settings = base_settings(o, *study.phi);
  const auto& s = study.settings;
  study.mf = predict_layers(*study.phi, s);
  study.theory = length_corrections(*study.phi, s.init, s.q0, s.depth);
  study.xi_c = mean_field_fixed_point(*study.phi, s.init, s.q0).xi_c;
  study.batches = o.batches;
  // By default the second half of the net, and at least four layers.
  study.xi_first =
      o.xi_layers.empty() ? std::min(s.depth / 2, s.depth - 3) : static_cast<int>(o.xi_layers[0]);
  study.xi_last = o.xi_layers.empty() ? s.depth : static_cast<int>(o.xi_layers[1]);
  std::vector<double> mf_difference;
  for (const auto& layer : study.mf) mf_difference.push_back(layer.c[1] - layer.c[0]);
  for (std::size_t k = 0; k < o.widths.size(); ++k) {
    WidthRun run;
    run.n = static_cast<int>(o.widths[k]);
    run.nets = nets_at(o, k);
    SimulationSettings at = s;
    at.width = run.n;
    at.nets = run.nets;
    at.seed = width_seed(s.seed, run.n);  // independent widths
    ProgressBar bar("n = " + std::to_string(run.n));
    auto batched = simulate_in_batches(*study.phi, at, o.batches, std::ref(bar));
    run.sim = std::move(batched.pooled);
    run.chain = length_chain(*study.phi, at);
    std::vector<std::vector<double>> differences;
    for (const auto& b : batched.batches) differences.push_back(c_difference(b));
    run.depth = correlation_depth_ratio(mf_difference, differences, batched.sizes, study.xi_first,
                                        study.xi_last, 2000, at.seed);
    study.runs.push_back(std::move(run));
  }
  return study;
}

int width_reaching(const Study& st, double fraction) {
  int reached = 0;
  for (auto r = st.runs.rbegin(); r != st.runs.rend() && r->depth.ratio >= fraction; ++r)
    reached = r->n;
  return reached;
}

double crossing_width(const Study& st, double fraction, double z) {
  for (std::size_t k = 1; k < st.runs.size(); ++k) {
    const auto& [below, above] = std::pair(st.runs[k - 1], st.runs[k]);
    // z = 0 is the ratio itself, also where the bootstrap gave no SE (0 * NaN is NaN).
    const auto shifted = [z](const auto& d) {
      return z == 0.0 ? d.ratio : d.ratio + z * d.ratio_se;
    };
    const double y0 = shifted(below.depth);
    const double y1 = shifted(above.depth);
    if (y0 < fraction && y1 >= fraction) {
      const double t = (fraction - y0) / (y1 - y0);
      return std::exp(std::log(below.n) + t * (std::log(above.n) - std::log(below.n)));
    }
  }
  return std::nan("");
}

}  // namespace qmf::cli
