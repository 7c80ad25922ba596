// qmf kernel-check: kernel ridge regression with the analytic kernels on
// Fashion-MNIST images put on the sphere.
#include "commands/kernel_check.hpp"

namespace qmf::cli {

// Images centred by a mean image (pixel by pixel) and put on the sphere
// |x|^2 / d = q0.
Eigen::MatrixXd sphere_images(const Eigen::MatrixXf& pixels, const Eigen::VectorXd& mean) {
  Eigen::MatrixXd x = pixels.cast<double>();
  x.colwise() -= mean;
  return project_to_sphere(std::move(x), q0);
}

// Ridge chosen by validation accuracy among multiples of the mean diagonal.
Json ridge_regression(const DotProductKernel& kernel, const LabelledSets& sets, int n_train,
                      const Eigen::MatrixXd& train, const Eigen::MatrixXd& validation,
                      const Eigen::MatrixXd& test) {
  const std::span<const std::uint8_t> labels(sets.train.labels);
  const auto train_labels = labels.first(n_train);
  const auto validation_labels = labels.subspan(n_train, validation.cols());
  const Eigen::MatrixXd k = dot_product_gram(kernel, train, train);
  const Eigen::MatrixXd k_val = dot_product_gram(kernel, validation, train);
  const Eigen::MatrixXd y = one_hot(train_labels, 10);
  const double scale = k.diagonal().mean();
  double best_ridge = 0.0, best_accuracy = -1.0;
  Json scan = Json::array();
  for (const double relative : {1e-4, 1e-3, 1e-2, 1e-1, 1.0}) {
    const double accuracy = classification_accuracy(
        k_val * ridge_coefficients(k, y, relative * scale), validation_labels);
    scan.push_back({{"relative_ridge", relative}, {"validation_accuracy", accuracy}});
    if (accuracy > best_accuracy) best_accuracy = accuracy, best_ridge = relative;
  }
  const Eigen::MatrixXd alpha = ridge_coefficients(k, y, best_ridge * scale);
  const double train_accuracy = classification_accuracy(k * alpha, train_labels);
  const double test_accuracy =
      classification_accuracy(dot_product_gram(kernel, test, train) * alpha, sets.test.labels);
  return {{"relative_ridge", best_ridge},          {"validation_accuracy", best_accuracy},
          {"train_accuracy", train_accuracy},      {"test_accuracy", test_accuracy},
          {"gap", train_accuracy - test_accuracy}, {"ridge_scan", scan}};
}

}  // namespace qmf::cli
