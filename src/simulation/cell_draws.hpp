// The per-cell draws of the cell-sum simulation's backward pass
// (cell_network.hpp) and what a cell contributes to the pass's sums.
#pragma once

#include <Eigen/Core>

#include "simulation/cell_sums.hpp"
#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

/// Internal knob, for the tests: a deliberately wrong decomposition that the
/// statistical tests must reject.
struct CellOptions {
  bool full_wishart = false;  // the Wishart part given all n_c degrees of freedom
};

/// What a backward pass needs of the draws Z (n_c x k, i.i.d. N(0, 1)) on a
/// group's rows: with x_i = (1, h_i - o), T = sum x_i^T z_i ((1 + m) x k) and
/// S = sum z_i^T z_i (k x k).
struct GroupDraws {
  Eigen::MatrixXd t, s;
};

/// T and S of a group, exactly in distribution. A group with its rows draws
/// each z_i (k normals per row, in row order). Otherwise, with the group's
/// moments M = sum x_i^T x_i = L L^T and X = Q L^T for orthonormal Q,
/// T = L (Q^T Z) and S = (Q^T Z)^T (Q^T Z) + Z^T (I - Q Q^T) Z: Q^T Z is
/// r x k i.i.d. normal (r the rank of M, the non-zero columns of L) and the
/// rest is Wishart_k(n_c - r, I), independent of it.
GroupDraws draw_group(const CellGroup& group, Eigen::Index k, NormalGenerator& draw,
                      const CellOptions& options = {});

/// With delta_i = (z_i B + phi r) (.) g over the group's rows (phi and g its
/// rows' values, z_i the draws behind `draws`): sum delta_i^T delta_i and
/// sum h_i^T delta_i (m x m each).
struct DeltaSums {
  Eigen::MatrixXd d_gram, h_d;
};
DeltaSums delta_sums(const CellGroup& group, const GroupDraws& draws, const Eigen::MatrixXd& b,
                     const Eigen::MatrixXd& r);

}  // namespace qmf::simulation
