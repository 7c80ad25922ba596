// The row-block kernels of the Gram simulation (gram_layer.hpp,
// gram_network.hpp). A Gram layer touches each of its n rows through m x m
// matrices only, so a net walks its n x m matrices a block of rows at a time
// and does everything a row needs while the block is in cache: one pass over
// memory per layer instead of one per operation. The kernels sum in a fixed
// order, independent of addresses and alignment, so that a layer drawn again
// on the way down gives the same bits.
#pragma once

#include <Eigen/Core>

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

/// Rows per block: a block of m columns is 2 m KiB, so the dozen a pass
/// holds stay in the first-level caches for the usual m <= 4.
constexpr Eigen::Index gram_block_rows = 256;

using Rows = Eigen::Ref<Eigen::MatrixXd>;
using ConstRows = Eigen::Ref<const Eigen::MatrixXd>;

/// Draws the next rows x m normals of a stream into z, a block of
/// gram_block_rows rows at a time and column by column within a block: the
/// same draws whether z is a whole matrix or its blocks, one call each, in order.
class RowDrawer {
 public:
  void draw(NormalGenerator& source, Rows z);
  /// out = Z b for the next rows x m draws Z: the sums of multiply(Z, b, out),
  /// so the bits are too.
  void draw_times(NormalGenerator& source, const Eigen::MatrixXd& b, Rows out);

 private:
  Eigen::MatrixXd block_;
};

/// out = a * b (out may not alias a).
void multiply(const ConstRows& a, const Eigen::MatrixXd& b, Rows out);
/// out += a * b.
void multiply_add(const ConstRows& a, const Eigen::MatrixXd& b, Rows out);
/// g += a^T b.
void accumulate_cross(const ConstRows& a, const ConstRows& b, Eigen::MatrixXd& g);
/// g += a^T a (both triangles).
void accumulate_gram(const ConstRows& a, Eigen::MatrixXd& g);

}  // namespace qmf::simulation
