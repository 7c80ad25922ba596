// The kernels one cosine at a time through the kernel layers
// (qmf/kernel/layers.hpp): the route kernel_on_grid took before it went layer
// by layer with Chebyshev deficits, kept as its reference in tests and as the
// baseline of tests/bench/bench_kernel.cpp.
#pragma once

#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/layers.hpp"

namespace qmf::testing {

inline KernelValues pointwise_kernel(const Activation& phi, const Initialization& init, double q0,
                                     double t, int depth, const DerivativeKernel& derivative) {
  const LayerMap map(phi, Dense({init.sw2, 0.0}, init.sb2));
  const Elementwise elementwise(phi);
  KernelState state = map.dense()(KernelState::equal_norms(q0, t));
  for (int l = 2; l <= depth; ++l) {
    KernelState post = elementwise(state);
    post.ntk1 = post.ntk2 = derivative.second_moment(state.q1) * state.ntk1;
    post.ntk12 = derivative.cross_moment(state.q1, state.q2, state.correlation()) * state.ntk12;
    state = map.dense()(post);
  }
  return {state.q12, state.ntk12};
}

}  // namespace qmf::testing
