// CPU-time measurement shared by the benchmarks.
#pragma once

#include <algorithm>
#include <ctime>

namespace qmf::bench {

inline double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// Best of `repeats` timings in CPU time: on a shared machine wall time counts
/// the time slices other processes get, CPU time only ours.
template <class Work>
double best_cpu_seconds(int repeats, Work work) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double start = cpu_seconds();
    work();
    best = std::min(best, cpu_seconds() - start);
  }
  return best;
}

}  // namespace qmf::bench
