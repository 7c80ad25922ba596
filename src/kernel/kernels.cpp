#include "qmf/kernel/kernels.hpp"

#include <cmath>
#include <stdexcept>

#include "numerics/format_number.hpp"

namespace qmf {

namespace {

void check_inputs(const Initialization& init, double q0, int depth) {
  validate(init);
  if (!(std::isfinite(q0) && q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " +
                                detail::format_number(q0) + ")");
  if (depth < 1)
    throw std::invalid_argument("depth must be at least 1 (got " + std::to_string(depth) + ")");
}

// One cosine: the first dense layer on the input kernel, then depth - 1
// layers whose NTK factor comes from `derivative` rather than from phi'.
KernelValues kernel_at(const LayerMap& map, const DerivativeKernel& derivative, double q0, double t,
                       int depth) {
  const Elementwise elementwise(map.activation());
  KernelState state = map.dense()(KernelState::equal_norms(q0, t));
  for (int l = 2; l <= depth; ++l) {
    KernelState post = elementwise(state);
    const double c = state.correlation();
    post.ntk1 = derivative.second_moment(state.q1) * state.ntk1;
    post.ntk2 = post.ntk1;  // equal norms stay equal
    post.ntk12 = derivative.cross_moment(state.q1, state.q2, c) * state.ntk12;
    state = map.dense()(post);
  }
  return {state.q12, state.ntk12};
}

}  // namespace

std::vector<KernelValues> kernel_on_grid(const Activation& phi, const Initialization& init,
                                         double q0, std::span<const double> t_values, int depth,
                                         const DerivativeKernel& derivative) {
  check_inputs(init, q0, depth);
  const LayerMap map(phi, Dense({init.sw2, 0.0}, init.sb2));
  std::vector<KernelValues> values;
  values.reserve(t_values.size());
  for (const double t : t_values) {
    if (!(t >= -1.0 && t <= 1.0))
      throw std::invalid_argument("t must lie in [-1, 1] (got " + detail::format_number(t) + ")");
    values.push_back(kernel_at(map, derivative, q0, t, depth));
  }
  return values;
}

KernelValues kernel_on_diagonal(const Activation& phi, const Initialization& init, double q0,
                                int depth, const DerivativeKernel& derivative) {
  const double one = 1.0;
  return kernel_on_grid(phi, init, q0, std::span(&one, 1), depth, derivative).front();
}

std::vector<double> cosine_grid(int n) {
  if (n < 2)
    throw std::invalid_argument("t_points must be at least 2 (got " + std::to_string(n) + ")");
  std::vector<double> t(n);
  for (int i = 0; i < n; ++i) t[i] = -1.0 + 2.0 * i / (n - 1);
  t.back() = 1.0;
  return t;
}

}  // namespace qmf
