#include "qmf/training/trainer.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "qmf/training/loss.hpp"
#include "qmf/training/weight_quantizer.hpp"
#include "simulation/normal_generator.hpp"

namespace qmf::training {

namespace {

// Examples per forward pass when measuring: bounds the memory of the stored
// activations (depth x width x chunk) at the paper's scale to ~300 MB.
constexpr long measurement_chunk = 250;

// OpenMP's and Eigen's thread counts for the duration of a run, restored after.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : omp_(omp_get_max_threads()), eigen_(Eigen::nbThreads()) {
    omp_set_num_threads(threads);
    Eigen::setNbThreads(threads);
  }
  ~ThreadScope() {
    omp_set_num_threads(omp_);
    Eigen::setNbThreads(eigen_);
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int omp_;
  int eigen_;
};

// A uniformly random order of `count` examples: the ranks of `count` normal
// draws from the epoch's own stream (ties, at the generator's 2^-23
// resolution, keep index order).
std::vector<long> epoch_order(std::uint64_t seed, long epoch, long count) {
  std::vector<double> keys(static_cast<std::size_t>(count));
  simulation::NormalGenerator(seed, static_cast<std::uint64_t>(epoch), 0,
                              simulation::Stream::shuffle)
      .fill(keys.data(), count);
  std::vector<long> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0L);
  std::stable_sort(order.begin(), order.end(), [&](long a, long b) { return keys[a] < keys[b]; });
  return order;
}

template <class Scalar>
bool all_finite(const Parameters<Scalar>& p) {
  for (std::size_t l = 0; l < p.weights.size(); ++l)
    if (!p.weights[l].allFinite() || !p.biases[l].allFinite()) return false;
  return true;
}

struct Measurement {
  double loss = 0.0;
  double accuracy = 0.0;
};

// With the weights of the last quantize_weights(): a stochastic net is
// measured as one drawn net.
template <class Scalar>
Measurement measure(Network<Scalar>& net, const Dataset& data, long examples) {
  const long count = std::min<long>(examples, data.inputs.cols());
  BatchLoss total;
  for (long first = 0; first < count; first += measurement_chunk) {
    const long size = std::min(measurement_chunk, count - first);
    const Matrix<Scalar> x = data.inputs.middleCols(first, size).template cast<Scalar>();
    const BatchLoss part = softmax_cross_entropy(net.forward_same_weights(x), &data.labels[first],
                                                 static_cast<Matrix<Scalar>*>(nullptr));
    total.loss += part.loss;
    total.correct += part.correct;
  }
  return {total.loss / static_cast<double>(count),
          static_cast<double>(total.correct) / static_cast<double>(count)};
}

// Perturbations E of every weight matrix in a random direction, |E| = radius
// |W| (Frobenius), each draw from its own stream (seed, draw, layer).
template <class Scalar>
Sharpness measure_sharpness(Network<Scalar>& net, const TrainingSettings& s, const Dataset& train) {
  net.quantize_weights();
  auto& weights = net.effective_weights();
  const std::vector<Matrix<Scalar>> saved = weights;
  Sharpness result;
  result.loss = measure(net, train, s.train_evaluation_examples).loss;
  std::vector<double> increases;
  for (int d = 0; d < s.sharpness_draws; ++d) {
    for (std::size_t l = 0; l < weights.size(); ++l) {
      Eigen::MatrixXd direction(saved[l].rows(), saved[l].cols());
      simulation::NormalGenerator(s.seed, static_cast<std::uint64_t>(d), l,
                                  simulation::Stream::perturbation)
          .fill(direction.data(), direction.size());
      const double scale =
          s.sharpness_radius * saved[l].template cast<double>().norm() / direction.norm();
      weights[l] = saved[l] + (scale * direction).cast<Scalar>();
    }
    increases.push_back(measure(net, train, s.train_evaluation_examples).loss - result.loss);
  }
  weights = saved;
  const double n = static_cast<double>(increases.size());
  result.draws = s.sharpness_draws;
  result.mean_increase = std::accumulate(increases.begin(), increases.end(), 0.0) / n;
  double squares = 0.0;
  for (const double x : increases)
    squares += (x - result.mean_increase) * (x - result.mean_increase);
  result.standard_error = n > 1 ? std::sqrt(squares / (n - 1) / n) : 0.0;
  return result;
}

template <class Scalar>
TrainingResult run(const Activation& phi, const TrainingSettings& s, const Dataset& train,
                   const Dataset& test, const std::function<void(int, int)>& progress) {
  Network<Scalar> net(s.shape, phi, s.surrogate, s.init, s.seed, s.weights);
  Optimizer<Scalar> optimizer(s.optimizer, net.parameters());
  auto gradient = Parameters<Scalar>::zeros_like(net.parameters());
  const long batches_per_epoch = train.inputs.cols() / s.batch;
  const int last = s.report_steps.back();
  const int progress_every = std::max(1, last / 200);
  Matrix<Scalar> x(s.shape.inputs, s.batch);
  Matrix<Scalar> logit_gradient;
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(s.batch));
  std::vector<long> order;
  long epoch = -1;
  auto report = s.report_steps.begin();
  TrainingResult result;
  const double too_high = diverged_loss(s.shape.classes);
  for (int step = 1; step <= last; ++step) {
    const long batch_index = (step - 1) % batches_per_epoch;
    if ((step - 1) / batches_per_epoch != epoch) {
      epoch = (step - 1) / batches_per_epoch;
      order = epoch_order(s.seed, epoch, train.inputs.cols());
    }
    for (int k = 0; k < s.batch; ++k) {
      const long example = order[static_cast<std::size_t>(batch_index * s.batch + k)];
      x.col(k) = train.inputs.col(example).template cast<Scalar>();
      labels[static_cast<std::size_t>(k)] = train.labels[static_cast<std::size_t>(example)];
    }
    const BatchLoss loss = softmax_cross_entropy(net.forward(x), labels.data(), &logit_gradient);
    if (!(loss.loss <= too_high) || !logit_gradient.allFinite()) {  // NaN fails <= too
      result.diverged = true;
      result.diverged_step = step;
      break;
    }
    // The gradient through Q(W); the optimiser step applies the STE's clip
    // and quantizes the updated weights for the next forward pass.
    net.backward_unclipped(logit_gradient, gradient);
    // A step activation maps NaN to a finite level, so a hidden layer that
    // overflowed would not show in the loss: check the gradient itself (~1 %
    // of a step's cost; the clip, a product with 0 or 1, keeps it finite or not).
    if (!all_finite(gradient)) {
      result.diverged = true;
      result.diverged_step = step;
      break;
    }
    optimizer.step(net.parameters(), gradient, net.update_hook());
    if (step == *report) {
      net.quantize_weights();  // train and test measured on the same drawn net
      const Measurement on_train = measure(net, train, s.train_evaluation_examples);
      const Measurement on_test = measure(net, test, test.inputs.cols());
      if (!(on_train.loss <= too_high) || !(on_test.loss <= too_high)) {
        result.diverged = true;
        result.diverged_step = step;
        break;
      }
      result.checkpoints.push_back(
          {step, on_train.loss, on_train.accuracy, on_test.loss, on_test.accuracy});
      ++report;
    }
    if (progress && (step % progress_every == 0 || step == last)) progress(step, last);
  }
  if (!result.diverged && s.sharpness_draws > 0) {
    result.sharpness = measure_sharpness(net, s, train);
    if (!std::isfinite(result.sharpness->mean_increase)) {
      // A perturbed net overflowed: no measurement, rather than a NaN.
      result.sharpness.reset();
    }
  }
  return result;
}

}  // namespace

void validate(const TrainingSettings& s) {
  validate(s.shape);
  validate(s.init);
  validate(s.optimizer);
  if (s.batch < 1) throw std::invalid_argument("batch must be at least 1");
  if (s.threads < 1) throw std::invalid_argument("threads must be at least 1");
  if (s.train_evaluation_examples < 1)
    throw std::invalid_argument("train_evaluation_examples must be at least 1");
  if (s.sharpness_draws < 0 || s.sharpness_draws > 100000)
    throw std::invalid_argument("sharpness_draws must lie in 0..100000");
  if (!(s.sharpness_radius > 0.0 && s.sharpness_radius <= 10.0))
    throw std::invalid_argument("sharpness_radius must lie in (0, 10]");
  if (s.report_steps.empty() || s.report_steps.front() < 1 ||
      !std::is_sorted(s.report_steps.begin(), s.report_steps.end(), std::less_equal<>()))
    throw std::invalid_argument("report_steps must be positive and strictly increasing");
}

TrainingResult train(const Activation& phi, const TrainingSettings& s, const Dataset& train_set,
                     const Dataset& test_set, const std::function<void(int, int)>& progress) {
  validate(s);
  validate(train_set, s.shape.classes, "the training set");
  validate(test_set, s.shape.classes, "the test set");
  if (train_set.inputs.rows() != s.shape.inputs || test_set.inputs.rows() != s.shape.inputs)
    throw std::invalid_argument("inputs must have " + std::to_string(s.shape.inputs) +
                                " features per example in both sets");
  if (train_set.inputs.cols() < s.batch)
    throw std::invalid_argument("batch must not exceed the training examples (" +
                                std::to_string(train_set.inputs.cols()) + ")");
  const ThreadScope threads(s.threads);
  if (s.precision == Precision::float64) return run<double>(phi, s, train_set, test_set, progress);
  return run<float>(phi, s, train_set, test_set, progress);
}

}  // namespace qmf::training
