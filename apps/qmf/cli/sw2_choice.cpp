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

CriticalChoice critical_point(const Activation& phi, double sb2) {
  require_bounded_critical_search(phi, sb2);
  if (phi.is_step()) {
    const auto best = maximise_correlation_depth(phi, sb2);
    return {best.sw2, best.q_star};
  }
  const auto line = order_chaos_transition(phi, sb2);
  return {line.sw2, line.q_star};
}

double critical_sw2(const Activation& phi, double sb2) { return critical_point(phi, sb2).sw2; }

double resolve_sw2(const std::string& text, const Activation& phi, double sb2) {
  const auto given = parse_sw2_choice(text);
  return given ? *given : critical_sw2(phi, sb2);
}

std::optional<CriticalChoice> critical_choice(const std::string& text, const Activation& phi,
                                              double sb2) {
  if (parse_sw2_choice(text)) return std::nullopt;
  return critical_point(phi, sb2);
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

void require_gaussian_weights_for_choices(bool asked, const WeightSpec& weights) {
  if (asked && weights.kind != WeightSpec::Kind::gaussian)
    throw std::invalid_argument(
        "--sw2 crit and --q0 star are known for Gaussian weights only "
        "(give numbers with --weights " +
        weights.text + ")");
}

ResolvedSw2 resolve_kernel_sw2(const std::string& text, const std::string& act, double sb2,
                               const std::string& weights) {
  parse_sw2_choice(text);  // a malformed --sw2 fails before the activation is built
  const bool critical = text == critical_sw2_word;
  require_gaussian_weights_for_choices(critical, parse_weight_spec(weights));
  return {resolve_sw2(text, *make_activation(act), sb2), critical};
}

}  // namespace qmf::cli
