// Benchmark: the 256 x 256 phase diagram of quant:16 (issue 4 asks for <= 30 s
// on 2 cores), timed with one thread and with two. Reports, asserts nothing.
#include <chrono>
#include <cstdio>

#include "qmf/phase_diagram.hpp"

int main() {
  const auto phi = qmf::make_activation("quant:16");
  const auto sw2 = qmf::linear_grid(0.2, 4.0, 256);
  const auto sb2 = qmf::linear_grid(0.0, 0.5, 256);
  for (int threads : {1, 2}) {
    const auto start = std::chrono::steady_clock::now();
    const auto diagram = qmf::phase_diagram(*phi, sw2, sb2, threads);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("phase quant:16 256x256, %d thread(s): %.1f s (%zu points)\n", threads,
                took.count(), diagram.points.size());
  }
}
