// The Gram-matrix layer against drawing the weights (docs/gram_simulation.md),
// all measured in this run:
//  1. whole nets (forward and backward) at n = 1000, one input pair (m = 2),
//     one thread, CPU time: --method gram against --method weights (target >= 100x);
//  2. width 10^6, depth 100, one pair, 16 nets, forward and backward, on 2
//     threads, wall time (target <= 10 s), by the Gram method and by the cell
//     sums, beside the time of one normal draw times the draws each run makes
//     (the floor of any exact simulation);
//  3. PyTorch (python3-torch, if installed) drawing the weights of a net of the
//     same shape, per layer, at the widths it can hold, beside Gram's.
// Timings are reported, not asserted.
#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpu_time.hpp"
#include "qmf/simulation/simulate.hpp"
#include "simulation/gram_network.hpp"
#include "simulation/normal_generator.hpp"

namespace {

qmf::SimulationSettings settings(int width, int depth, int nets, qmf::SimulationMethod method) {
  qmf::SimulationSettings s;
  s.init = {1.0116776834086716, 0.0};  // quant:16 at its critical sigma_w
  s.width = width;
  s.depth = depth;
  s.nets = nets;
  s.threads = 1;
  s.method = method;
  return s;
}

double wall_seconds(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Nanoseconds of CPU per N(0, 1) draw, in blocks as the Gram layer draws them.
double nanoseconds_per_draw() {
  qmf::simulation::NormalGenerator draw(1, 0, 0, qmf::simulation::Stream::gram_forward);
  std::vector<double> block(512);
  constexpr long count = 50'000'000;
  const double seconds = qmf::bench::best_cpu_seconds(3, [&] {
    for (long i = 0; i < count; i += static_cast<long>(block.size()))
      draw.fill(block.data(), static_cast<long>(block.size()));
  });
  return seconds / count * 1e9;
}

std::string load_average() {
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  return load;
}

// The PyTorch script's seconds per layer (forward and backward) at width n.
std::string torch_seconds_per_layer(const std::string& script, int n, int depth) {
  const std::string command =
      "/usr/bin/python3 '" + script + "' " + std::to_string(n) + " " + std::to_string(depth);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  char line[256] = {};
  if (!pipe || !std::fgets(line, sizeof line, pipe.get())) return "failed";
  std::string text(line);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);
  const auto phi = qmf::make_activation("quant:16");
  std::printf("load average before: %s\n", load_average().c_str());

  // 1. n = 1000, m = 2, depth 10, 20 nets, one thread: enough nets that the
  // per-call costs (the mean field beside the nets, the thread team) do not
  // hide the per-net ones, which the methods differ in.
  const auto gram = settings(1000, 10, 20, qmf::SimulationMethod::gram);
  const auto weights = settings(1000, 10, 20, qmf::SimulationMethod::weights);
  const double t_weights =
      qmf::bench::best_cpu_seconds(3, [&] { (void)qmf::simulate_networks(*phi, weights); });
  const double t_gram = qmf::bench::best_cpu_seconds(5,
                                                     [&] {
                                                       for (int k = 0; k < 10; ++k)
                                                         (void)qmf::simulate_networks(*phi, gram);
                                                     }) /
                        10.0;
  std::printf(
      "n = 1000, m = 2, depth 10, 20 nets, fwd+bwd, 1 thread: weights %.4f s, gram %.6f s, "
      "ratio %.0f (target >= 100)\n",
      t_weights, t_gram, t_weights / t_gram);

  // 2. n = 10^6, depth 100, 16 nets, 2 threads: the Gram method and the cell
  // sums (the default for a step activation at this width), one after the other.
  const double draw_ns = nanoseconds_per_draw();
  for (const auto method : {qmf::SimulationMethod::gram, qmf::SimulationMethod::cells}) {
    auto wide = settings(1'000'000, 100, 16, method);
    wide.threads = 2;
    // Per unit and input and layer: the Gram method draws once forward and,
    // on the way down at layer j, H^(j-1) again and the backward draws of
    // layer j (the top pass's H^L, one layer in a hundred, not counted); the
    // cell sums draw once forward and a few numbers per cell going down.
    const double per_unit = method == qmf::SimulationMethod::gram ? 3.0 : 1.0;
    const double draws = per_unit * wide.depth * wide.nets * static_cast<double>(wide.width) * 2.0;
    const std::string load = load_average();
    const double cpu_start = qmf::bench::cpu_seconds();
    const double t_wide = wall_seconds([&] { (void)qmf::simulate_networks(*phi, wide); });
    const double t_wide_cpu = qmf::bench::cpu_seconds() - cpu_start;
    std::printf(
        "n = 1e6, depth 100, 16 nets, fwd+bwd, 2 threads, method %s: %.2f s wall (target "
        "<= 10 s), %.2f s CPU, load before: %s\n"
        "  %.3g normal draws at %.2f ns each = %.2f s on one core, %.2f s on two\n",
        qmf::method_name(method), t_wide, t_wide_cpu, load.c_str(), draws, draw_ns,
        draws * draw_ns * 1e-9, draws * draw_ns * 1e-9 / 2.0);
  }

  // 3. PyTorch drawing the weights, per layer, against Gram per layer.
  if (argc > 1) {
    std::printf("%8s %22s %22s\n", "n", "gram s/layer (1 thr)", "torch s/layer (1 thr)");
    for (const int n : {1024, 2048, 4096}) {
      const int depth = 8;
      const auto s = settings(n, depth, 2, qmf::SimulationMethod::gram);
      const double t =
          qmf::bench::best_cpu_seconds(3, [&] { (void)qmf::simulate_networks(*phi, s); }) /
          (s.nets * depth);
      std::printf("%8d %22.3g %22s\n", n, t, torch_seconds_per_layer(argv[1], n, depth).c_str());
    }
  }
  std::printf("load average after:  %s\n", load_average().c_str());
  return 0;
}
