#include "qmf/training/loss.hpp"

#include <cmath>

namespace qmf::training {

// Per example: loss = logsumexp(z) - z_label, computed after subtracting
// max z so that no exponential overflows; d loss / d z = softmax(z) - onehot.
template <class Scalar>
BatchLoss softmax_cross_entropy(const Matrix<Scalar>& logits, const std::uint8_t* labels,
                                Matrix<Scalar>* gradient) {
  BatchLoss result;
  const Eigen::Index batch = logits.cols();
  if (gradient) gradient->resize(logits.rows(), batch);
  for (Eigen::Index k = 0; k < batch; ++k) {
    const auto z = logits.col(k).template cast<double>().eval();
    Eigen::Index top = 0;
    const double largest = z.maxCoeff(&top);
    const Eigen::VectorXd e = (z.array() - largest).exp().matrix();
    const double sum = e.sum();
    result.loss += std::log(sum) + largest - z(labels[k]);
    result.correct += top == labels[k] ? 1 : 0;
    if (gradient) {
      auto column = gradient->col(k);
      column = (e / (sum * static_cast<double>(batch))).template cast<Scalar>();
      column(labels[k]) -= static_cast<Scalar>(1.0 / static_cast<double>(batch));
    }
  }
  return result;
}

template BatchLoss softmax_cross_entropy(const Matrix<float>&, const std::uint8_t*, Matrix<float>*);
template BatchLoss softmax_cross_entropy(const Matrix<double>&, const std::uint8_t*,
                                         Matrix<double>*);

}  // namespace qmf::training
