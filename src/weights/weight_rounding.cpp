#include "qmf/weights/weight_rounding.hpp"

namespace qmf {

WeightRounding::WeightRounding(const WeightSpec& spec) : rounding_(spec.rounding) {
  const auto grid = spec.grid();
  if (grid.cells == 0) return;
  spacing_ = grid.spacing;
  lowest_ = -grid.top;
  steps_ = grid.cells;
  inverse_spacing_ = 1.0 / spacing_;
}

}  // namespace qmf
