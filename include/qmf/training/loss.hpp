// Softmax cross-entropy of a batch of logits against integer labels.
#pragma once

#include <cstdint>
#include <vector>

#include "qmf/training/network.hpp"

namespace qmf::training {

struct BatchLoss {
  double loss = 0.0;  // summed over the batch (divide by its size for the mean)
  int correct = 0;    // examples whose largest logit is the label's
};

/// Loss and correct count of `logits` (classes x batch) for labels[first..);
/// when `gradient` is given it receives d(mean loss)/d logits.
template <class Scalar>
BatchLoss softmax_cross_entropy(const Matrix<Scalar>& logits, const std::uint8_t* labels,
                                Matrix<Scalar>* gradient);

}  // namespace qmf::training
