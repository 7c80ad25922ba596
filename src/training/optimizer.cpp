#include "qmf/training/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "training/elementwise.hpp"

namespace qmf::training {

namespace {

void require(bool ok, const std::string& field, const std::string& what, double value) {
  if (!ok)
    throw std::invalid_argument(field + " must be " + what + " (got " + std::to_string(value) +
                                ")");
}

template <class Scalar>
using ArrayMap = Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
template <class Scalar>
using ConstArrayMap = Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>;

// Applies `update(parameter, gradient, first, second)` to every tensor. The
// weight matrices go chunk by chunk (update_chunk elements, split between the
// OpenMP threads), with the hook's work on each chunk before and after its
// update while the chunk is in cache.
template <class Scalar, class Update>
void for_each_tensor(Parameters<Scalar>& p, const Parameters<Scalar>& g, Parameters<Scalar>& m,
                     Parameters<Scalar>& v, WeightUpdateHook<Scalar>* hook, Update update) {
  for (std::size_t l = 0; l < p.weights.size(); ++l) {
    update(p.biases[l].array(), g.biases[l].array(), m.biases[l].array(), v.biases[l].array());
    const Eigen::Index size = p.weights[l].size();
    const Eigen::Index chunks = (size + update_chunk - 1) / update_chunk;
#pragma omp parallel for schedule(static) if (size > parallel_threshold)
    for (Eigen::Index c = 0; c < chunks; ++c) {
      const Eigen::Index begin = c * update_chunk;
      const Eigen::Index count = std::min(update_chunk, size - begin);
      Scalar* latent = p.weights[l].data() + begin;
      const Scalar* gradient = g.weights[l].data() + begin;
      Scalar used[update_chunk];
      if (hook) {
        hook->used_gradient(l, begin, count, latent, gradient, used);
        gradient = used;
      }
      update(ArrayMap<Scalar>(latent, count), ConstArrayMap<Scalar>(gradient, count),
             ArrayMap<Scalar>(m.weights[l].data() + begin, count),
             ArrayMap<Scalar>(v.weights[l].data() + begin, count));
      if (hook) hook->updated(l, begin, count);
    }
  }
  if (hook) hook->finished();
}

}  // namespace

void validate(const OptimizerSettings& s) {
  require(std::isfinite(s.learning_rate) && s.learning_rate > 0.0, "learning_rate",
          "a positive finite number", s.learning_rate);
  require(s.momentum >= 0.0 && s.momentum < 1.0, "momentum", "in [0, 1)", s.momentum);
  require(s.beta1 >= 0.0 && s.beta1 < 1.0, "beta1", "in [0, 1)", s.beta1);
  require(s.beta2 >= 0.0 && s.beta2 < 1.0, "beta2", "in [0, 1)", s.beta2);
  require(std::isfinite(s.epsilon) && s.epsilon > 0.0, "epsilon", "a positive finite number",
          s.epsilon);
}

std::string name(OptimizerKind kind) { return kind == OptimizerKind::sgd ? "sgd" : "adam"; }

double paper_learning_rate(int depth) { return depth < 100 ? 1e-3 : 5e-4; }

template <class Scalar>
Optimizer<Scalar>::Optimizer(const OptimizerSettings& settings, const Parameters<Scalar>& like)
    : settings_(settings), first_(Parameters<Scalar>::zeros_like(like)) {
  validate(settings);
  if (settings.kind == OptimizerKind::adam) second_ = Parameters<Scalar>::zeros_like(like);
}

template <class Scalar>
void Optimizer<Scalar>::step(Parameters<Scalar>& parameters, const Parameters<Scalar>& gradient,
                             WeightUpdateHook<Scalar>* hook) {
  ++steps_;
  if (settings_.kind == OptimizerKind::sgd) {
    const auto lr = static_cast<Scalar>(settings_.learning_rate);
    const auto mu = static_cast<Scalar>(settings_.momentum);
    for_each_tensor(parameters, gradient, first_, first_, hook, [&](auto p, auto g, auto m, auto) {
      m = mu * m + g;
      p -= lr * m;
    });
    return;
  }
  const double b1 = settings_.beta1;
  const double b2 = settings_.beta2;
  // Bias-corrected step size lr sqrt(1 - b2^t) / (1 - b1^t), and epsilon scaled to match.
  const double t = static_cast<double>(steps_);
  const double correction1 = 1.0 - std::pow(b1, t);
  const double correction2 = std::sqrt(1.0 - std::pow(b2, t));
  const auto step = static_cast<Scalar>(settings_.learning_rate * correction2 / correction1);
  const auto eps = static_cast<Scalar>(settings_.epsilon * correction2);
  const auto s1 = static_cast<Scalar>(b1);
  const auto s2 = static_cast<Scalar>(b2);
  for_each_tensor(parameters, gradient, first_, second_, hook, [&](auto p, auto g, auto m, auto v) {
    m = s1 * m + (1 - s1) * g;
    v = s2 * v + (1 - s2) * g.square();
    p -= step * m / (v.sqrt() + eps);
  });
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace qmf::training
