// Speed of `qmf lmax` (issue 3): the paper's 69-value table through the whole
// process (budget 50 ms), chi_max at N = 2^20 (budget 1 s), and the O(N)
// prefix sums beside the literal O(N^2) double sum for one chi(D~).
// Usage: bench_lmax PATH_TO_QMF. Reports; does not fail on a slow machine.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "depth/naive_chi.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/depth/quantizer_depth.hpp"

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;

// Best of `repeats` wall-clock times of f, in seconds: the least disturbed run.
double best_time(int repeats, const std::function<void()>& f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = clock_type::now();
    f();
    best = std::min(best, std::chrono::duration<double>(clock_type::now() - start).count());
  }
  return best;
}

// Runs a command with stdout to /dev/null; returns its exit status.
int run_quietly(std::vector<std::string> args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1 /* O_WRONLY */, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0)
    waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&actions);
  return status;
}

void report(const char* what, double seconds, double budget) {
  if (budget > 0)
    std::printf("%-58s %10.4f s  (budget %g s%s)\n", what, seconds, budget,
                seconds > budget ? ", OVER" : "");
  else
    std::printf("%-58s %10.4f s\n", what, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_lmax PATH_TO_QMF\n");
    return 2;
  }
  const std::string paper = "3..63,125,128,255,256,512,515,1024,1025";
  const std::vector<std::string> command = {argv[1], "lmax", "--levels", paper,
                                            "--fit", paper,  "--json"};
  if (run_quietly(command) != 0) {
    std::fprintf(stderr, "qmf lmax failed\n");
    return 1;
  }
  report("qmf lmax, paper's 69 N with --fit --json (whole process)",
         best_time(5, [&] { run_quietly(command); }), 0.05);
  report("uniform chi_max at N = 2^20 (library)",
         best_time(3, [] { qmf::uniform_quantizer_optimum(1 << 20); }), 1.0);
  report("Lloyd-Max chi_max at N = 2^20 (library)",
         best_time(1, [] { qmf::lloyd_max_optimum(1 << 20); }), 0.0);

  // One chi(D~) evaluation both ways at the same N and D~.
  const int n = 4096;
  const double dtilde = qmf::uniform_quantizer_optimum(n).dtilde_opt;
  volatile double sink = 0.0;
  const double naive = best_time(1, [&] { sink = qmf::testing::naive_uniform_chi(n, dtilde); });
  const double fast = best_time(20, [&] { sink = qmf::uniform_quantizer_chi(n, dtilde).chi; });
  std::printf(
      "one chi(D~) at N = %d: O(N^2) double sum %.4f s, O(N) prefix sums %.6f s, ratio %.0f\n", n,
      naive, fast, naive / fast);
  const double scale = (1048576.0 / n) * (1048576.0 / n);
  std::printf("extrapolated to N = 2^20: O(N^2) %.0f s per chi(D~) vs O(N) %.4f s (ratio ~%.1e)\n",
              naive * scale, fast * 256, naive * scale / (fast * 256));
  return 0;
}
