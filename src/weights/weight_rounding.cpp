#include "qmf/weights/weight_rounding.hpp"

namespace qmf {

WeightRounding::WeightRounding(const WeightSpec& spec) : rounding_(spec.rounding) {
  const auto levels = spec.positive_levels();  // 0 <= y_0 < ... < y_m, symmetric grid
  if (levels.empty()) return;
  const double top = levels.back();
  // Binary has the one positive level (grid -top, top); the others include 0.
  spacing_ = levels.size() > 1 ? levels[1] - levels[0] : 2.0 * top;
  lowest_ = -top;
  steps_ = static_cast<int>(std::lround(2.0 * top / spacing_));
  inverse_spacing_ = 1.0 / spacing_;
}

}  // namespace qmf
