#include "cli/sw2_choice.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/work_limit.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf::cli {

namespace {

// `text` as a positive finite decimal number; throws std::invalid_argument
// naming `option` and the word it also accepts otherwise.
double positive_number(const std::string& text, const std::string& option,
                       const std::string& word) {
  const std::string alternative = " (give a positive number or '" + word + "')";
  if (const std::string problem = decimal_number_problem(text); !problem.empty())
    throw std::invalid_argument(option + ": " + problem + alternative);
  const double value = std::strtod(text.c_str(), nullptr);
  // The library's wording (maps.hpp validate), which the Python package repeats.
  if (!(std::isfinite(value) && value > 0.0))
    throw std::invalid_argument(option + " must be a positive finite number (got " +
                                (std::isnan(value) ? text : format_number(value)) + ")");
  return value;
}

}  // namespace

double parse_sw2(const std::string& text) {
  return positive_number(text, "--sw2", critical_sw2_word);
}

std::optional<double> parse_sw2_choice(const std::string& text) {
  if (text == critical_sw2_word) return std::nullopt;
  return parse_sw2(text);
}

CriticalChoice critical_point(const Activation& phi, double sb2, const WeightSpec& weights) {
  require_bounded_critical_search(phi, sb2);
  const WeightPrior unit = weight_prior(weights, 1.0);
  // Per-example noise at sb2 > 0 moves a step activation's maximiser: the
  // noise grows with sw2, the bias does not (qmf/weights/weight_depth.hpp).
  if (phi.is_step() && sb2 > 0.0 && unit.per_example_noise > 0.0) {
    const auto best = maximise_correlation_depth(phi, sb2, unit);
    return {best.sw2, best.q_star};
  }
  // Otherwise the Gaussian point, its variance each input's E[Q^2] sw2
  // (for a smooth activation with noise, chi_1 = 1 on that line: theory.md 1.7).
  CriticalChoice point;
  if (phi.is_step()) {
    const auto best = maximise_correlation_depth(phi, sb2);
    point = {best.sw2, best.q_star};
  } else {
    const auto line = order_chaos_transition(phi, sb2);
    point = {line.sw2, line.q_star};
  }
  if (weights.kind != WeightSpec::Kind::gaussian) point.sw2 /= weight_moments(weights).variance;
  return point;
}

double critical_sw2(const Activation& phi, double sb2, const WeightSpec& weights) {
  return critical_point(phi, sb2, weights).sw2;
}

double resolve_sw2(const std::string& text, const Activation& phi, double sb2,
                   const WeightSpec& weights) {
  const auto given = parse_sw2_choice(text);
  return given ? *given : critical_sw2(phi, sb2, weights);
}

std::optional<CriticalChoice> critical_choice(const std::string& text, const Activation& phi,
                                              double sb2, const WeightSpec& weights) {
  if (parse_sw2_choice(text)) return std::nullopt;
  return critical_point(phi, sb2, weights);
}

double resolve_q0(const std::string& text, const Activation& phi, const Initialization& init,
                  std::optional<double> critical_q_star) {
  if (text != fixed_point_q0_word) return positive_number(text, "--q0", fixed_point_q0_word);
  // At sb2 = 0 a smooth activation's line ends at q* = 0, no input variance.
  if (critical_q_star && *critical_q_star > 0.0) return *critical_q_star;
  const double q_star = stable_length_fixed_point(phi, init, 1.0).q;
  if (q_star == 0.0)  // the marginal collapse (qmf/kernel/fixed_points.hpp)
    throw numerical_error(
        "--q0 star: the length map falls from q = 1 to its marginal fixed point "
        "q* = 0, which is no starting variance");
  return q_star;
}

ResolvedSw2 resolve_kernel_sw2(const std::string& text, const std::string& act, double sb2,
                               const std::string& weights) {
  parse_sw2_choice(text);  // a malformed --sw2 fails before the activation is built
  const bool critical = text == critical_sw2_word;
  return {resolve_sw2(text, *make_activation(act), sb2, parse_weight_spec(weights)), critical};
}

}  // namespace qmf::cli
