// Shared by the tests of criticality with quantized weights: chi_c(c*) of
// the noisy maps at one latent sw2, by the fixed points the maps reach from
// q = 1 (not the library's search over q*), and its zoomed scan over sw2:
// the brute-force side of the checks over sw2 and clip.
#pragma once

#include <cmath>
#include <utility>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/layers.hpp"

namespace qmf::testing {

inline double noisy_chi_c(const Activation& phi, const WeightPrior& unit, double sw2, double sb2) {
  const Initialization init{sw2 * unit.variance, sb2, sw2 * unit.per_example_noise};
  return mean_field_fixed_point(phi, init, 1.0).correlation.chi_c;
}

/// The largest noisy_chi_c over sw2 by brute force: points + 1 values of
/// ln sw2 in [lo, hi], then four zooms of points / 5 + 1 onto +-1 step around
/// the best (the step shrinks 10^4-fold). Returns {sw2, chi_c}.
inline std::pair<double, double> scanned_chi_maximum(const Activation& phi, const WeightPrior& unit,
                                                     double sb2, double lo, double hi, int points) {
  double best_x = lo, best_chi = -1.0;
  for (int zoom = 0; zoom < 5; ++zoom) {
    const double step = (hi - lo) / points;
    for (int i = 0; i <= points; ++i) {
      const double chi = noisy_chi_c(phi, unit, std::exp(lo + step * i), sb2);
      if (chi > best_chi) {
        best_chi = chi;
        best_x = lo + step * i;
      }
    }
    lo = best_x - step;
    hi = best_x + step;
    if (zoom == 0) points /= 5;
  }
  return {std::exp(best_x), best_chi};
}

}  // namespace qmf::testing
