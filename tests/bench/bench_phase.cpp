// Benchmark: the 256 x 256 phase diagram over sw2 in [0.2, 4], sb2 in [0, 0.5]
// (issue 4 asks for <= 30 s on 2 cores for quant:16), with one thread and with
// two in the same run, and erf on the same grid for reference. Prints the
// 1-minute load average beside each time, since other jobs share the cores.
// Reports, asserts nothing.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "qmf/kernel/phase_diagram.hpp"

namespace {

double load_average() {
  double load = 0.0;
  return getloadavg(&load, 1) == 1 ? load : -1.0;
}

void time_diagram(const char* spec, int threads) {
  const auto phi = qmf::make_activation(spec);
  const auto sw2 = qmf::linear_grid(0.2, 4.0, 256);
  const auto sb2 = qmf::linear_grid(0.0, 0.5, 256);
  const double load = load_average();
  const auto start = std::chrono::steady_clock::now();
  const auto diagram = qmf::phase_diagram(*phi, sw2, sb2, threads);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("phase %s 256x256, %d thread(s): %.2f s (%zu points; load %.2f)\n", spec, threads,
              took.count(), diagram.points.size(), load);
}

}  // namespace

int main() {
  for (int threads : {1, 2}) time_diagram("quant:16", threads);
  for (int threads : {1, 2}) time_diagram("erf", threads);
}
