// The cells of the cell-sum simulation (cell_network.hpp): for a step
// activation and a box straight-through estimator (STE) both phi and its
// backward derivative g are constant between the breakpoints (phi's
// thresholds and the STE window's finite ends), so a row of m pre-activations
// matters to every later layer only through the tuple of intervals its m
// entries fall into, its cell.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "qmf/activations/backward_derivative.hpp"

namespace qmf::simulation {

class CellPartition {
 public:
  /// Throws std::invalid_argument unless phi is a step activation.
  CellPartition(const Activation& phi, const StraightThrough& surrogate, int columns);

  [[nodiscard]] int intervals() const { return static_cast<int>(phi_.size()); }
  [[nodiscard]] int columns() const { return columns_; }
  [[nodiscard]] int cells() const { return cells_; }

  /// k[i] = the interval of x[i], or -1 where x[i] is a breakpoint itself
  /// (there phi or g may take its value from either side, so such a row is
  /// kept on its own).
  void classify(const double* x, int* k, std::size_t n) const;
  /// The same by the grid alone (classify's route without AVX-512).
  void classify_scalar(const double* x, int* k, std::size_t n) const;

  /// phi, g and a point of interval k (its middle, or the finite end's
  /// neighbour for the two unbounded ones), the origin of its cell sums.
  [[nodiscard]] double phi(int k) const { return phi_[k]; }
  [[nodiscard]] double g(int k) const { return g_[k]; }
  [[nodiscard]] double centre(int k) const { return centre_[k]; }
  [[nodiscard]] const double* centres() const { return centre_.data(); }

 private:
  void build_grid();
  [[nodiscard]] int walk(double x, int k) const;

  struct GridCell {
    double split;  // the breakpoint inside the cell, +inf if none
    int base;      // the interval at the cell's left end
    bool walk;     // two breakpoints, or one next to an end: search instead
  };
  std::vector<double> breaks_;  // sorted, distinct, finite
  std::vector<double> phi_, g_, centre_;
  std::vector<GridCell> grid_;
  double grid_start_ = 0.0, grid_scale_ = 1.0, grid_last_ = 0.0;
  int columns_ = 0;
  int cells_ = 0;
};

}  // namespace qmf::simulation
