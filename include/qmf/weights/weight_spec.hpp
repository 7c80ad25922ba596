// Quantized weights as the mean field sees them.
//
// A weight spec says how a latent Gaussian weight w ~ N(0, sw2 / n) becomes
// the weight a layer uses: unchanged (gaussian), its sign (binary), a
// three-level value (ternary) or a b-bit uniform grid (bits), rounded to the
// nearest level or stochastically (unbiased: E[Q(w) | w] = clip(w)). Every
// grid is in units of the weight's standard deviation, so each effect is a
// fixed multiple of sw2:
//
//   nearest                 both inputs see Q(w): variance E[Q(w)^2]
//   stochastic              rounding drawn once per forward pass, shared:
//                           variance E[clip(w)^2] + nu
//   stochastic-per-example  rounding drawn afresh for every input: the
//                           covariance sees E[clip(w)^2], each variance
//                           E[clip(w)^2] + nu (docs/theory.md section 1.6)
//
// with nu = E[(theta - floor theta)(ceil theta - theta)] Delta^2, theta =
// clip(w) / Delta, the mean rounding variance on a grid of spacing Delta.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qmf/kernel/layers.hpp"

namespace qmf {

enum class Rounding { nearest, stochastic, stochastic_per_example };

struct WeightSpec {
  enum class Kind { gaussian, binary, ternary, bits };
  Kind kind = Kind::gaussian;
  Rounding rounding = Rounding::nearest;
  int bits = 0;                   // bits: 2 <= b <= 32 (2^b - 1 levels, zero included)
  double clip = 3.0;              // bits: the largest level, in standard deviations
  double zero_fraction = 0.0;     // ternary: P(Q = 0) under nearest rounding
  std::string text = "gaussian";  // canonical spec string

  /// The levels of the grid in units of the weight's standard deviation
  /// (non-negative half; the grid is symmetric). Empty for gaussian. Throws
  /// std::invalid_argument beyond 2^24 levels (bits:B with B > 25, 16 GB at
  /// B = 32): fine grids are described by grid() alone.
  [[nodiscard]] std::vector<double> positive_levels() const;

  /// The uniform grid -top, -top + spacing, ..., top in units of the weight's
  /// standard deviation, with cells = 2 top / spacing steps between its ends
  /// (binary 1, ternary 2, bits:B 2^B - 2); all zero for gaussian.
  struct Grid {
    double top = 0.0;
    double spacing = 0.0;
    std::int64_t cells = 0;
  };
  [[nodiscard]] Grid grid() const;
};

/// Parses "gaussian", "binary", "ternary[,p=P]", "bits:B[,clip=C]", each with
/// an optional ",rounding=nearest|stochastic|stochastic-per-example".
/// Throws std::invalid_argument starting with "weights '...'" otherwise.
WeightSpec parse_weight_spec(const std::string& text);

/// Per unit of sw2 (a weight of unit standard deviation): E[Q^2] seen by one
/// input, E[Q Q'] seen by a pair (equal unless the rounding is per example),
/// and the mean rounding variance nu.
struct WeightMoments {
  double variance = 1.0;    // E[Q(w)^2]
  double covariance = 1.0;  // E[Q1(w) Q2(w)] of two inputs' weights
  double rounding_variance = 0.0;
};

/// Exact moments (Gaussian cell integrals, no sampling).
WeightMoments weight_moments(const WeightSpec& spec);

/// The dense layer's prior for latent weight variance sw2: variance
/// sw2 * covariance, per-example noise sw2 * nu (variance - covariance, kept where
/// nu is below the rounding of the variance, as at bits:32).
WeightPrior weight_prior(const WeightSpec& spec, double sw2);

}  // namespace qmf
