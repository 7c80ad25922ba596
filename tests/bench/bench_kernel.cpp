// Speed of `qmf kernel` (issue 11): the kernels on a 1000-point cosine grid to
// depth 100 for quant:16 (target <= 50 ms) and the Mercer spectrum to degree
// 200 at d = 784 (target <= 1 s), through the library, in CPU time. The
// baseline, timed in the same run, is the route before: one cosine at a time
// through the kernel layers, one orthant sum per layer and cosine
// (tests/kernel/pointwise_kernels.hpp); its depth-100 grid is timed on 100 of
// the 1000 cosines (tanh: 2) and scaled up (it is linear in the cosines).
#include <cstdio>
#include <vector>

#include "cpu_time.hpp"
#include "kernel/pointwise_kernels.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace {

using qmf::bench::best_cpu_seconds;

qmf::DotProductKernel nngp_of(const qmf::Activation& phi, int depth, bool pointwise) {
  return [&phi, depth, pointwise](std::span<const double> t) {
    const qmf::DerivativeKernel derivative(phi);
    std::vector<double> k;
    if (pointwise)
      for (const double x : t)
        k.push_back(
            qmf::testing::pointwise_kernel(phi, {1.0, 0.0}, 1.0, x, depth, derivative).nngp);
    else
      for (const auto& v : qmf::kernel_on_grid(phi, {1.0, 0.0}, 1.0, t, depth, derivative))
        k.push_back(v.nngp);
    return k;
  };
}

}  // namespace

int main() {
  volatile double sink = 0.0;
  std::printf("%-44s %12s %12s %8s\n", "task", "now (ms)", "before (ms)", "speed-up");
  for (const char* act : {"quant:16", "sign", "tanh"}) {
    const auto phi = qmf::make_activation(act);
    const qmf::DerivativeKernel derivative(*phi);
    const qmf::Initialization init{1.0, 0.05};
    const auto t = qmf::cosine_grid(1000);
    const double now = best_cpu_seconds(
        5, [&] { sink = sink + qmf::kernel_on_grid(*phi, init, 1.0, t, 100, derivative)[7].nngp; });
    // tanh's old route (two 2-D quadratures per cosine and layer) is timed on
    // 2 cosines, the step activations' on 100.
    const std::size_t stride = phi->is_step() ? 10 : 500;
    const double before =
        static_cast<double>(stride) * best_cpu_seconds(1, [&] {
          for (std::size_t i = 0; i < t.size(); i += stride)
            sink =
                sink + qmf::testing::pointwise_kernel(*phi, init, 1.0, t[i], 100, derivative).nngp;
        });
    std::printf("%-44s %12.2f %12.1f %8.0f\n",
                (std::string(act) + " kernels, 1000 cosines, depth 100").c_str(), 1e3 * now,
                1e3 * before, before / now);
    const auto net =
        qmf::quasi_network(qmf::parse_weight_spec("binary,rounding=stochastic-per-example"));
    const double quasi = best_cpu_seconds(5, [&] {
      sink = sink + qmf::quasi_kernel_on_grid(*phi, {1.0, 0.05}, 1.0, t, 100, net)[7].nngp;
    });
    std::printf("%-44s %12.2f %12s %8s\n", (std::string(act) + " quasi network, same grid").c_str(),
                1e3 * quasi, "-", "-");
  }
  for (const char* act : {"sign", "quant:16"}) {
    const auto phi = qmf::make_activation(act);
    const auto spectrum = [&](bool pointwise) {
      sink = sink + qmf::mercer_spectrum(nngp_of(*phi, 3, pointwise), 784, 200).eigenvalues[1];
    };
    const double now = best_cpu_seconds(3, [&] { spectrum(false); });
    const double before = best_cpu_seconds(1, [&] { spectrum(true); });
    std::printf("%-44s %12.1f %12.1f %8.1f\n",
                (std::string(act) + " spectrum k <= 200, d = 784, depth 3").c_str(), 1e3 * now,
                1e3 * before, before / now);
  }
  return 0;
}
