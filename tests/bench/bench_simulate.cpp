// Throughput of a simulated layer (drawing the n x n weights and multiplying,
// fused) against Eigen's own product of the same sizes with the weights
// already in memory, measured in the same run. Fails (exit 1) below 50%.
// Flops counted: 2 n^2 m for an n x n by n x m product, in both.
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "../../src/simulate/dense_layer.hpp"

namespace {

// Best of `repeats` timings: the least disturbed by other processes.
template <class Work>
double best_seconds(int repeats, Work work) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main() {
  constexpr int inputs = 2;  // the two inputs of `qmf simulate`
  constexpr double required = 0.5;
  bool ok = true;
  std::printf("%6s %16s %16s %8s\n", "n", "simulation GF/s", "Eigen GF/s", "ratio");
  for (const int n : {512, 1000}) {
    const Eigen::MatrixXd x = Eigen::MatrixXd::Random(n, inputs);
    const Eigen::MatrixXd w = Eigen::MatrixXd::Random(n, n);
    Eigen::MatrixXd h(n, inputs);
    const qmf::simulation::DenseLayer layer(1, 0, 1, 1.0, 0.0, n);
    const double flops = 2.0 * n * n * inputs;
    double simulation = 0.0;
    double eigen = 0.0;
    // Alternate the two so that both see the same machine load.
    for (int round = 0; round < 10; ++round) {
      simulation = std::max(simulation, flops / best_seconds(5, [&] { layer.forward(x, h); }));
      eigen = std::max(eigen, flops / best_seconds(5, [&] { h.noalias() = w * x; }));
    }
    const double ratio = simulation / eigen;
    std::printf("%6d %16.3f %16.3f %8.2f\n", n, simulation * 1e-9, eigen * 1e-9, ratio);
    ok = ok && ratio >= required;
  }
  if (!ok)
    std::printf("FAIL: the simulated layer is below %.0f%% of Eigen's product\n", 100 * required);
  return ok ? 0 : 1;
}
