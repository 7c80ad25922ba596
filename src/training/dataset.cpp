#include "qmf/training/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qmf::training {

void validate(const Dataset& data, int classes, const char* what) {
  const std::string name(what);
  if (data.inputs.cols() == 0) throw std::invalid_argument(name + " has no examples");
  if (static_cast<Eigen::Index>(data.labels.size()) != data.inputs.cols())
    throw std::invalid_argument(name + " has " + std::to_string(data.inputs.cols()) +
                                " examples but " + std::to_string(data.labels.size()) + " labels");
  const auto largest = *std::max_element(data.labels.begin(), data.labels.end());
  if (largest >= classes)
    throw std::invalid_argument(name + " has label " + std::to_string(largest) +
                                " (classes: " + std::to_string(classes) + ")");
  if (!data.inputs.allFinite()) throw std::invalid_argument(name + " has non-finite inputs");
}

Dataset first_examples(const Dataset& data, long count) {
  const long kept = std::min<long>(count, data.inputs.cols());
  return {data.inputs.leftCols(kept), {data.labels.begin(), data.labels.begin() + kept}};
}

void standardise_per_pixel(Dataset& train, Dataset& test) {
  const Eigen::VectorXd mean = train.inputs.cast<double>().rowwise().mean();
  const Eigen::MatrixXd centred = train.inputs.cast<double>().colwise() - mean;
  const Eigen::VectorXd variance =
      centred.array().square().rowwise().sum() / static_cast<double>(train.inputs.cols());
  const Eigen::VectorXd scale =
      variance.unaryExpr([](double v) { return v > 0.0 ? 1.0 / std::sqrt(v) : 1.0; });
  for (Dataset* data : {&train, &test})
    data->inputs =
        ((data->inputs.cast<double>().colwise() - mean).array().colwise() * scale.array())
            .cast<float>();
}

}  // namespace qmf::training
