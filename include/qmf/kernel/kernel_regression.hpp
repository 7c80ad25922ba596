// Kernel ridge regression with dot-product kernels on the sphere: the
// kernel-side counterpart of the generalization sweep (docs/kernels.md,
// "Against finite nets and data").
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>

#include "qmf/kernel/mercer_spectrum.hpp"

namespace qmf {

/// Every column (one example) scaled to squared norm per unit |x|^2 / d = q0;
/// std::invalid_argument for a zero or non-finite column or q0 <= 0.
Eigen::MatrixXd project_to_sphere(Eigen::MatrixXd inputs, double q0);

/// K(t_ij), t_ij the cosine of column i of a and column j of b. K is tabulated
/// once on table_points equally spaced angles acos t in [0, pi] and
/// interpolated linearly in the angle, in which a square-root cusp at t = +-1
/// (step activations) is linear: relative error ~ (pi / table_points)^2.
Eigen::MatrixXd dot_product_gram(const DotProductKernel& kernel, const Eigen::MatrixXd& a,
                                 const Eigen::MatrixXd& b, int table_points = 4097);

/// alpha = (K + ridge I)^(-1) Y by Cholesky (predictions: K_test,train alpha);
/// qmf::numerical_error when K + ridge I is not positive definite.
Eigen::MatrixXd ridge_coefficients(const Eigen::MatrixXd& k, const Eigen::MatrixXd& targets,
                                   double ridge);

/// One-hot targets (examples x classes) of labels below `classes`.
Eigen::MatrixXd one_hot(std::span<const std::uint8_t> labels, int classes);

/// The fraction of rows of scores (examples x classes) whose largest entry is
/// at the example's label.
double classification_accuracy(const Eigen::MatrixXd& scores, std::span<const std::uint8_t> labels);

}  // namespace qmf
