// Rounding latent weights onto the grid of a weight spec, in units of the
// weight's standard deviation (qmf/weights/weight_spec.hpp): the operation
// the simulated nets apply to every weight they draw.
//
// Every grid of a spec is uniform: levels lowest + k spacing, k = 0..steps
// (binary: -1, 1; ternary: -s, 0, s; bits:B: 2^B - 1 levels over [-clip, clip]).
// A weight is clipped to the grid, t = (clip(z) - lowest) / spacing, and
//   nearest     k = floor(t + 1/2)
//   stochastic  k = floor(t) + 1{u <= t - floor(t)} = floor(t + 1 - u), u ~ U(0, 1),
// so that E[Q(z) | z] = clip(z).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "qmf/weights/weight_spec.hpp"

namespace qmf {

class WeightRounding {
 public:
  /// Gaussian specs have no grid: is_identity() and every call returns z.
  explicit WeightRounding(const WeightSpec& spec);

  [[nodiscard]] bool is_identity() const { return steps_ == 0; }
  [[nodiscard]] Rounding rounding() const { return rounding_; }

  /// The grid coordinate t in [0, steps] of a latent weight z.
  [[nodiscard]] double position(double z) const {
    // Branch-free clip. GCC turns std::max(t, 0.0) (and std::min(-t, 0.0))
    // into a branch, mispredicted for the 16 % of binary weights below -1:
    // that made binary weights cost 2.7x Gaussian ones against 1.5x for
    // bits:4. (t + |t|) / 2 is max(t, 0) exactly, with an andpd; the upper
    // clip against a register compiles to minsd.
    const double t = (z - lowest_) * inverse_spacing_;
    return std::min(0.5 * (t + std::abs(t)), static_cast<double>(steps_));
  }
  /// The level at grid index k (a whole number in [0, steps]).
  [[nodiscard]] double level(double k) const { return lowest_ + spacing_ * k; }
  [[nodiscard]] double spacing() const { return spacing_; }
  /// The grid's constants, for vectorised copies of position() and level().
  [[nodiscard]] double lowest() const { return lowest_; }
  [[nodiscard]] double inverse_spacing() const { return inverse_spacing_; }
  [[nodiscard]] std::int64_t steps() const { return steps_; }

  [[nodiscard]] double nearest(double z) const {
    if (is_identity()) return z;
    return level(whole(position(z) + 0.5));
  }
  /// Stochastic rounding with the uniform u in [0, 1).
  [[nodiscard]] double stochastic(double z, double u) const {
    if (is_identity()) return z;
    // floor(t + 1 - u) = floor(t) + 1{u <= t - floor(t)}: branch-free.
    return level(whole(position(z) + (1.0 - u)));
  }

  /// floor(t) for 0 <= t < 2^63 by truncation: one instruction, where
  /// std::floor is a library call (the simulation rounds every weight it draws).
  [[nodiscard]] static double whole(double t) {
    return static_cast<double>(static_cast<long long>(t));
  }

 private:
  Rounding rounding_ = Rounding::nearest;
  double lowest_ = 0.0;
  double spacing_ = 1.0;
  double inverse_spacing_ = 1.0;
  std::int64_t steps_ = 0;  // 2^32 - 2 for bits:32
};

}  // namespace qmf
