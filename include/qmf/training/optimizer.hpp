// The two optimisers of the trainability experiment: SGD with (heavy-ball)
// momentum, v <- mu v + g, p <- p - lr v (the paper's, batch 32, mu = 0.5), and
// Adam (Kingma and Ba) with bias correction.
#pragma once

#include <string>

#include "qmf/training/network.hpp"

namespace qmf::training {

enum class OptimizerKind { sgd, adam };

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::sgd;
  double learning_rate = 1e-3;
  double momentum = 0.5;  // SGD
  double beta1 = 0.9;     // Adam
  double beta2 = 0.999;   // Adam
  double epsilon = 1e-8;  // Adam
};

/// Throws std::invalid_argument naming the field unless lr > 0, 0 <= momentum
/// < 1, 0 <= beta1, beta2 < 1 and epsilon > 0, all finite.
void validate(const OptimizerSettings& settings);

/// "sgd" or "adam".
std::string name(OptimizerKind kind);

/// The paper's learning rate for SGD: 1e-3 below depth 100, 5e-4 from 100 on.
double paper_learning_rate(int depth);

template <class Scalar>
class Optimizer {
 public:
  Optimizer(const OptimizerSettings& settings, const Parameters<Scalar>& like);
  /// One update of `parameters` by `gradient`; with a hook (a quantization-
  /// aware net's Network::update_hook()), the hook's work on each chunk of the
  /// weight matrices as it is updated. Element by element, so the result does
  /// not depend on the thread count.
  void step(Parameters<Scalar>& parameters, const Parameters<Scalar>& gradient,
            WeightUpdateHook<Scalar>* hook = nullptr);

 private:
  OptimizerSettings settings_;
  Parameters<Scalar> first_;   // momentum / Adam's first moment
  Parameters<Scalar> second_;  // Adam's second moment
  long steps_ = 0;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace qmf::training
