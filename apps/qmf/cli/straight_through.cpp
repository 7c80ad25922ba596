#include "cli/straight_through.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace qmf::cli {

namespace {

// One end of --ste-window: a number, inf or -inf.
double window_end(const std::string& text, const std::string& window) {
  std::size_t used = 0;
  double value = std::nan("");
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || std::isnan(value))
    throw std::invalid_argument("--ste-window: '" + window +
                                "' is not lo:hi with numbers (or inf, -inf) lo < hi");
  return value;
}

}  // namespace

StraightThrough straight_through_for(const Activation& phi, const Initialization& init, double q0,
                                     std::optional<double> slope, std::optional<double> clip,
                                     const std::optional<std::string>& window) {
  if (!phi.is_step()) {
    if (slope || clip || window)
      throw std::invalid_argument(std::string(slope  ? "--ste-slope"
                                              : clip ? "--ste-clip"
                                                     : "--ste-window") +
                                  " applies to step activations only (smooth ones use phi')");
    return {};
  }
  if (window) {
    if (clip) throw std::invalid_argument("--ste-window replaces --ste-clip: give one of them");
    const std::size_t colon = window->find(':');
    if (colon == std::string::npos || window->find(':', colon + 1) != std::string::npos)
      throw std::invalid_argument("--ste-window: '" + *window + "' is not lo:hi");
    const double lower = window_end(window->substr(0, colon), *window);
    const double upper = window_end(window->substr(colon + 1), *window);
    if (!(lower < upper))
      throw std::invalid_argument("--ste-window: '" + *window + "' needs lo < hi");
    if (slope) return {*slope, 1.0, std::pair{lower, upper}};
    return gradient_preserving_surrogate(phi, init, q0, lower, upper);
  }
  const double tau = clip.value_or(1.0);
  if (!(std::isfinite(tau) && tau > 0.0))
    throw std::invalid_argument("--ste-clip must be a positive finite number");
  if (slope) return {*slope, tau};
  return gradient_preserving_surrogate(phi, init, q0, tau);
}

}  // namespace qmf::cli
