// The trainer's fused step (backward_unclipped(), then Optimizer::step with
// the net's update hook, which clips the weight gradient and quantizes the
// updated weights chunk by chunk) against the plain route (backward() with
// the clip, Optimizer::step without a hook, forward() quantizing the whole
// matrices): the same parameters and the same forward weights, bit for bit,
// step after step, for float and quantized nets, nearest and stochastic
// rounding, SGD and Adam, on one and on two threads. The hidden matrix
// (130 x 130) spans several update chunks and uniform blocks and ends with a
// partial one, and is above the OpenMP threshold.
#include <omp.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "qmf/training/loss.hpp"
#include "qmf/training/optimizer.hpp"
#include "simulation/normal_generator.hpp"

using namespace qmf;
using namespace qmf::training;

namespace {

const NetworkShape shape{40, 130, 2, 10};
constexpr int batch = 8;

Matrix<float> inputs(int step) {
  Eigen::MatrixXd x(shape.inputs, batch);
  simulation::NormalGenerator(5, static_cast<std::uint64_t>(step), 0, simulation::Stream::inputs)
      .fill(x.data(), x.size());
  return x.cast<float>();
}

bool same(const std::vector<Matrix<float>>& a, const std::vector<Matrix<float>>& b) {
  for (std::size_t l = 0; l < a.size(); ++l)
    if (a[l].size() != b[l].size() ||
        std::memcmp(a[l].data(), b[l].data(), sizeof(float) * a[l].size()) != 0)
      return false;
  return true;
}

// Both routes for `steps` steps; false at the first difference. A
// measurement-like quantize_weights() after step 2 checks that the fused
// route's draw ahead is the draw the plain route makes there.
bool routes_agree(const char* weights, OptimizerKind kind, int threads) {
  const auto phi = make_activation("quant:4");
  const auto spec = parse_weight_spec(weights);
  // A large learning rate, so that weights cross grid cells and the clip.
  OptimizerSettings settings;
  settings.kind = kind;
  settings.learning_rate = kind == OptimizerKind::sgd ? 0.5 : 0.02;
  Network<float> plain(shape, *phi, {1.0, 1.0}, {1.5, 0.1}, 3, spec);
  Network<float> fused(shape, *phi, {1.0, 1.0}, {1.5, 0.1}, 3, spec);
  Optimizer<float> plain_optimizer(settings, plain.parameters());
  Optimizer<float> fused_optimizer(settings, fused.parameters());
  Parameters<float> plain_gradient, fused_gradient;
  Matrix<float> logit_gradient;
  const std::uint8_t labels[batch] = {0, 1, 2, 3, 4, 5, 6, 7};
  const int saved_threads = omp_get_max_threads();
  for (int step = 0; step < 4; ++step) {
    const Matrix<float> x = inputs(step);
    softmax_cross_entropy(plain.forward(x), labels, &logit_gradient);
    plain.backward(logit_gradient, plain_gradient);
    plain_optimizer.step(plain.parameters(), plain_gradient);

    omp_set_num_threads(threads);
    softmax_cross_entropy(fused.forward(x), labels, &logit_gradient);
    fused.backward_unclipped(logit_gradient, fused_gradient);
    fused_optimizer.step(fused.parameters(), fused_gradient, fused.update_hook());
    omp_set_num_threads(saved_threads);

    if (step == 2) {
      plain.quantize_weights();
      fused.quantize_weights();
      if (!same(plain.effective_weights(), fused.effective_weights())) return false;
    }
    const auto& p = plain.parameters();
    const auto& f = fused.parameters();
    if (!same(p.weights, f.weights)) return false;
    for (std::size_t l = 0; l < p.biases.size(); ++l)
      if (p.biases[l] != f.biases[l]) return false;
  }
  const Matrix<float> x = inputs(9);
  plain.forward(x);
  fused.forward(x);
  return same(plain.effective_weights(), fused.effective_weights()) &&
         plain.forward(x) == fused.forward(x);
}

}  // namespace

TEST_CASE("the fused QAT step is backward + step + quantize, bit for bit") {
  for (const char* weights :
       {"gaussian", "bits:3,clip=1", "binary", "bits:4,rounding=stochastic",
        "binary,rounding=stochastic", "bits:4,rounding=stochastic-per-example"})
    for (const auto kind : {OptimizerKind::sgd, OptimizerKind::adam})
      for (const int threads : {1, 2}) {
        INFO(weights << ", " << name(kind) << ", " << threads << " thread(s)");
        CHECK(routes_agree(weights, kind, threads));
      }
}

TEST_CASE("the unclipped gradient is the clipped one inside the clip range") {
  // The two backward passes differ exactly at the latent weights outside the
  // clip range (where backward() zeroes the gradient), so the hook's clip is
  // not a no-op in the test above.
  const auto phi = make_activation("quant:4");
  Network<float> net(shape, *phi, {1.0, 1.0}, {1.5, 0.1}, 3, parse_weight_spec("binary"));
  Matrix<float> logit_gradient;
  const std::uint8_t labels[batch] = {0, 1, 2, 3, 4, 5, 6, 7};
  const Matrix<float> x = inputs(0);  // backward() reads it again
  softmax_cross_entropy(net.forward(x), labels, &logit_gradient);
  Parameters<float> clipped, unclipped;
  net.backward(logit_gradient, clipped);
  net.backward_unclipped(logit_gradient, unclipped);
  long outside = 0;
  for (std::size_t l = 0; l < clipped.weights.size(); ++l) {
    const auto& w = net.parameters().weights[l];
    const float limit = std::sqrt(1.5f / static_cast<float>(w.cols()));  // binary: top = 1
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      const bool inside = std::abs(w.data()[i]) <= limit;
      outside += inside ? 0 : 1;
      CHECK(clipped.weights[l].data()[i] == (inside ? unclipped.weights[l].data()[i] : 0.0f));
    }
  }
  CHECK(outside > 1000);  // ~32 % of the 5000 + 16900 + 1300 weights
}
