// The Lloyd-Max quantizer of a standard Gaussian: the N-level quantizer of
// least mean-squared error, hence (theory.md section 3 and Stein's lemma) the
// N-level activation with the largest correlation depth scale.
#pragma once

#include <memory>
#include <vector>

#include "qmf/activations/step_activation.hpp"

namespace qmf {

struct ScalarQuantizer {
  std::vector<double> thresholds;  // N - 1, increasing
  std::vector<double> levels;      // N
};

/// Thresholds and levels of the N-level Lloyd-Max quantizer of N(0, 1),
/// solved to ~1e-13 from the centroid and midpoint conditions.
ScalarQuantizer lloyd_max_quantizer(int levels);

/// The activation "lloyd:N,S=s": thresholds and levels of lloyd_max_quantizer(N) times s.
std::unique_ptr<StepActivation> make_lloyd_max_activation(int levels, double scale = 1.0);

/// E[(z - Q(z))^2] for z ~ N(0, 1), summed cell by cell without cancellation.
double quantizer_mse(const ScalarQuantizer& quantizer);

}  // namespace qmf
