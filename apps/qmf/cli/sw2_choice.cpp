#include "cli/sw2_choice.hpp"

#include <cmath>
#include <stdexcept>

#include "qmf/kernel/critical.hpp"

namespace qmf::cli {

double parse_sw2(const std::string& text) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value) || !(value > 0.0))
    throw std::invalid_argument("--sw2: '" + text + "' is neither a positive number nor '" +
                                critical_sw2_word + "'");
  return value;
}

std::optional<double> parse_sw2_choice(const std::string& text) {
  if (text == critical_sw2_word) return std::nullopt;
  return parse_sw2(text);
}

double critical_sw2(const Activation& phi, double sb2) {
  return phi.is_step() ? maximise_correlation_depth(phi, sb2).sw2
                       : order_chaos_transition(phi, sb2).sw2;
}

}  // namespace qmf::cli
