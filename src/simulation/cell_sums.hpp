// One layer's pre-activations reduced to what the cell-sum simulation needs
// (cell_network.hpp): per cell of the partition, the row count and the first
// and second moments of its rows about the cell's centre, and the rows
// themselves while a cell holds few of them; rows with an entry exactly on a
// breakpoint are kept whole.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "simulation/cell_partition.hpp"
#include "simulation/gram_rows.hpp"

namespace qmf::simulation {

/// Rows of one cell, or a single row kept on its own: what the backward pass
/// draws for. `rows` holds the cell's rows (n x m) when it has at most
/// CellSums::kept_rows of them, else it is empty and `sums` describe them.
struct CellGroup {
  double count = 0.0;
  Eigen::VectorXd origin;   // the sums' origin o (m)
  Eigen::VectorXd phi, g;   // phi and the STE derivative of every row (m each)
  Eigen::MatrixXd moments;  // [n, S1^T; S1, S2] of h - o over the rows ((1 + m)^2)
  Eigen::MatrixXd rows;     // the rows h themselves, or empty
};

class CellSums {
 public:
  CellSums(const CellPartition& cells, const Activation& phi, const BackwardDerivative& g);

  /// Forgets the layer absorbed before.
  void clear();
  /// Adds a block of rows (n x m).
  void absorb(const ConstRows& h);

  /// Every non-empty cell, then every row kept on its own, in a fixed order.
  [[nodiscard]] std::vector<CellGroup> groups() const;

  /// Rows a cell keeps besides its sums: below this the moments' Wishart
  /// decomposition has too few degrees of freedom (docs/gram_simulation.md).
  [[nodiscard]] int kept_rows() const { return kept_; }

 private:
  [[nodiscard]] int stride() const { return 1 + m_ + m_ * (m_ + 1) / 2; }
  template <int M>  // 0: m_ columns
  void absorb_rows(const ConstRows& h);
  void absorb_pairs(const ConstRows& h);
  const CellPartition& cells_;
  const Activation& phi_;
  const BackwardDerivative& g_;
  int m_;
  int kept_;
  std::vector<double> sums_;       // per cell: n, S1 (m), S2's upper triangle by rows
  std::vector<double> kept_rows_;  // per cell: kept_ rows of m
  std::vector<double> lone_rows_;  // rows with an entry on a breakpoint, m each
  std::vector<int> intervals_;     // a block's intervals, column by column
};

/// H^T H and Phi^T Phi (m x m) of the rows of `groups`.
Eigen::MatrixXd h_gram(const std::vector<CellGroup>& groups);
Eigen::MatrixXd phi_gram(const std::vector<CellGroup>& groups);

}  // namespace qmf::simulation
