// The length fixed points of a whole phase diagram from one table of
// E[phi(u)^2] (library-internal). The length map q' = v E[phi^2](q) + sb2,
// v = sw2 + weight noise, depends on the grid point only through v and sb2,
// so one table of E[phi^2] on a log grid of q serves every point: the scan of
// length_fixed_points then costs arithmetic per node, and only the root
// refinement in each bracket evaluates E[phi^2] again.
#pragma once

#include <cmath>
#include <vector>

#include "qmf/interrupt.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf::detail {

class LengthScan {
 public:
  /// Tabulates E[phi^2] over the union of the search ranges of `inits`, on
  /// `threads` OpenMP threads, polling `interrupt` before every node (a
  /// quantizer with 10^5 levels takes about a second for the table).
  LengthScan(const Activation& phi, const std::vector<Initialization>& inits, int threads,
             const Interrupt& interrupt = {});

  /// length_fixed_points(phi, init) for an init inside the tabulated range:
  /// the same brackets refined the same way, scanned at the table's nodes
  /// (finer than the point-by-point scan) between the point's own ends.
  [[nodiscard]] std::vector<LengthFixedPoint> fixed_points(const Initialization& init) const;

 private:
  // 48 nodes per decade of q, twice the point-by-point scan's density.
  static constexpr double log_step = 2.302585092994046 / 48.0;
  [[nodiscard]] double node(int j) const { return std::exp(log_lo_ + log_step * j); }
  const Activation& phi_;
  double log_lo_ = 0.0;
  std::vector<double> second_moments_;
};

}  // namespace qmf::detail
