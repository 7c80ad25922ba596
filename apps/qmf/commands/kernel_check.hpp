// qmf kernel-check's parts: the analytic kernels of the net asked for, the
// empirical Gram matrices of sampled nets held against them, and kernel ridge
// regression on Fashion-MNIST (docs/kernels.md, "Against finite nets and data").
#pragma once

#include <Eigen/Core>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "data/idx_reader.hpp"
#include "qmf/kernel/derivative_kernel.hpp"
#include "qmf/kernel/kernel_regression.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace qmf::cli {

struct CheckOptions {
  std::string act;
  std::string sw2;  // a number or "crit", resolved into init.sw2
  Initialization init;
  int depth = 3;
  std::vector<int> widths{64, 256, 1024};
  int images = 300;
  int nets = 4;
  int eigen = 10;
  std::string weights = "gaussian";
  std::string derivative = "true";
  int krr_train = 0;
  int krr_validation = 1000;
  int krr_test = 2000;
  std::string data = default_data_directory;
  unsigned long seed = 1;
  int threads = 1;  // OpenMP threads of Eigen's products: their rounding depends on it
  bool json = false;
  std::string out;
};

constexpr double q0 = 1.0;  // inputs on the sphere |x|^2 / d = 1

// The analytic kernel of the options' net: Gaussian weights with the chosen
// derivative kernel, or the quasi network of stochastic binary weights.
struct Analytic {
  std::unique_ptr<Activation> phi;
  std::optional<DerivativeKernel> derivative;
  std::optional<QuasiNetwork> quasi;
  Initialization init;
  int depth = 1;

  [[nodiscard]] DotProductKernel kernel(bool nngp) const;
};

/// The analytic kernels of o's net; std::invalid_argument for weights other
/// than gaussian and binary,rounding=stochastic-per-example.
Analytic analytic_for(const CheckOptions& o);

/// Relative Frobenius errors of sampled nets' Grams on the images x (columns)
/// per width and net, the fits of ln error against ln width, and leading
/// eigenvalues at the largest width.
Json gram_check(const CheckOptions& o, const Analytic& a, const Eigen::MatrixXd& x);

/// gram_check's errors as a table "width net nngp_error ntk_error": the CSV
/// file with separator ',' and format_number, the readable table with ' '
/// and readable_number.
std::string error_table(const Json& gram, char separator, std::string (*write)(double));

/// Images centred by a mean image and put on the sphere |x|^2 / d = q0.
Eigen::MatrixXd sphere_images(const Eigen::MatrixXf& pixels, const Eigen::VectorXd& mean);

/// Kernel ridge regression (one-hot targets) trained on the first n_train
/// training images, ridge chosen on validation: accuracies and train-test gap.
Json ridge_regression(const DotProductKernel& kernel, const LabelledSets& sets, int n_train,
                      const Eigen::MatrixXd& train, const Eigen::MatrixXd& validation,
                      const Eigen::MatrixXd& test);

}  // namespace qmf::cli
