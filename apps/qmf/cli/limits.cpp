#include "cli/limits.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "qmf/numerics/memory_limit.hpp"

namespace qmf::cli {

void require_simulation_resources(const Activation& phi, const SimulationSettings& settings) {
  require_memory_within_limit(simulation_memory_bytes(phi, settings),
                              "--width, --depth, --nets and --threads");
  char amount[32];
  // Drawing the weights, every layer of every net draws its width^2 weights,
  // twice with the backward pass: ~17 ns a draw and product on one core. A
  // Gram layer draws width x columns normals, three times with the backward
  // pass (forward; on the way down the layer below again and its own backward
  // draws), a few ns each.
  const double layers = static_cast<double>(settings.nets) * settings.depth;
  const double width = settings.width;
  const SimulationMethod method = chosen_method(phi, settings);
  if (method == SimulationMethod::gram || method == SimulationMethod::cells) {
    const double draws = (settings.backward ? 3.0 : 1.0) * layers * width *
                         (static_cast<double>(settings.c0.size()) + 1.0);
    if (draws > simulation_gram_draw_limit) {
      std::snprintf(amount, sizeof amount, "%.3g", draws);
      throw std::invalid_argument("--width, --depth and --nets ask for " + std::string(amount) +
                                  " normal draws (nets x depth x width x inputs, x3 with the "
                                  "backward pass); the limit is 5e10 (a few minutes)");
    }
    return;
  }
  const double draws = (settings.backward ? 2.0 : 1.0) * layers * width * width;
  if (draws > simulation_weight_draw_limit) {
    std::snprintf(amount, sizeof amount, "%.3g", draws);
    throw std::invalid_argument("--width, --depth and --nets ask for " + std::string(amount) +
                                " weight draws (nets x depth x width^2, x2 with the backward "
                                "pass); the limit is 1e10 (a few minutes); --method gram draws "
                                "far fewer");
  }
}

// What training::train keeps alive (src/training): per parameter the
// weights, their gradient and the optimizer's moments (one for SGD, two for
// Adam), the quantized weights of the forward pass and the sharpness
// measurement's saved copy when they exist; per layer the pre-activations and
// activations of a batch (or of the 250 examples measured at a time,
// trainer.cpp's measurement_chunk); and the images as floats.
void require_training_memory(const training::TrainingSettings& s, long train_examples,
                             long test_examples, double limit) {
  const auto& shape = s.shape;
  const double n = shape.width;
  const double parameters = shape.inputs * n + std::max(shape.depth - 1, 0) * n * n +
                            n * shape.classes + shape.depth * n + shape.classes;
  const double copies = 3.0 + (s.optimizer.kind == training::OptimizerKind::adam ? 1.0 : 0.0) +
                        (s.weights.kind != WeightSpec::Kind::gaussian ? 1.0 : 0.0) +
                        (s.sharpness_draws > 0 ? 1.0 : 0.0);
  const double columns = std::max(s.batch, 250);
  const double activations = (2.0 * shape.depth + 2.0) * n * columns;
  const double scalar = s.precision == training::Precision::float64 ? 8.0 : 4.0;
  const double images = 4.0 * shape.inputs * static_cast<double>(train_examples + test_examples);
  // The values too: in a sweep the deepest cell need not be the one refused.
  const double bytes = scalar * (copies * parameters + activations) + images;
  try {
    require_memory_within_limit(bytes, "--width, --depth and --batch", limit);
  } catch (const std::invalid_argument& refused) {
    throw std::invalid_argument(
        std::string(refused.what()) + " (--max-memory; at --width " + std::to_string(shape.width) +
        ", --depth " + std::to_string(shape.depth) + ", --batch " + std::to_string(s.batch) + ")");
  }
}

// What one sampled net of kernel-check keeps alive (src/kernel/empirical_kernel.cpp,
// stochastic_binary_gram.cpp): every layer's weights and, for the backward
// pass, its pre-activations and activations on all images (stochastic binary
// weights: latent weights and their rounding thresholds, two runs), and about
// ten N x N Grams (analytic, empirical, products); the ridge regression keeps
// the training Gram, its regularised copy and Cholesky factor, and the
// held-out images' rows.
void require_kernel_check_memory(const KernelCheckSizes& k) {
  const double n = k.widest, images = k.images, pixels = 784.0;
  const double hidden = std::max(k.depth - 1, 0);
  const double weights = (k.quasi ? 1.5 : 1.0) *
                         (std::max(k.depth - 2, 0) * n * n + (hidden > 0 ? n * pixels : 0) + n);
  const double activations = (k.quasi ? 4.0 : 2.0) * hidden * n * images + pixels * images;
  require_memory_within_limit(8.0 * (weights + activations + 10.0 * images * images),
                              "--depth, --widths and --images");
  const double m = static_cast<double>(k.krr_train);
  const double held_out = static_cast<double>(k.krr_held_out);
  require_memory_within_limit(8.0 * (3.0 * m * m + held_out * m + pixels * (m + held_out)),
                              "--krr-train, --krr-validation and --krr-test");
}

// The products of one sampled net (src/kernel/empirical_kernel.cpp) on N
// images: forward W x through the layers (784 n, then n^2 per hidden layer),
// backward W^T delta, and per layer two N x N Grams over its rows (n, or 784
// at the input) for the NTK, one more for the NNGP; stochastic binary weights
// run the net twice. Then the four Grams' eigenvalues, ~(4/3) N^3 each. The
// ridge regression factors K + lambda I (m^3 / 3) for five ridges and the
// refit, for both kernels.
void require_kernel_check_work(const KernelCheckSizes& k, const std::vector<int>& widths,
                               int nets) {
  const double images = k.images, pixels = 784.0, hidden = std::max(k.depth - 2, 0);
  double work = 4.0 * (4.0 / 3.0) * images * images * images;
  for (const int width : widths) {
    const double n = width;
    const double products = images * (pixels * n + 2.0 * hidden * n * n + 2.0 * n) +
                            images * images * (2.0 * k.depth * n + pixels);
    work += (k.quasi ? 2.0 : 1.0) * nets * products;
  }
  char amount[32];
  if (work > kernel_check_work_limit) {
    std::snprintf(amount, sizeof amount, "%.3g", work);
    throw std::invalid_argument(
        "--widths, --nets, --depth and --images ask for " + std::string(amount) +
        " multiply-adds (the sampled nets' layers and Gram matrices, the eigenvalues); the limit "
        "is 3e11 (a few minutes)");
  }
  const double m = static_cast<double>(k.krr_train);
  const double ridge_work = 2.0 * 6.0 * m * m * m / 3.0;
  if (ridge_work > kernel_check_work_limit) {
    std::snprintf(amount, sizeof amount, "%.3g", ridge_work);
    throw std::invalid_argument("--krr-train asks for " + std::string(amount) +
                                " multiply-adds (twelve Cholesky factorisations of its Gram "
                                "matrix); the limit is 3e11 (a few minutes)");
  }
}

}  // namespace qmf::cli
