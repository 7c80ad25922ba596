// The empirical NTK of a width-1024, depth-5 relu net on 500 inputs of
// dimension 784 (issue 11's speed item): qmf's empirical_gram, which sums the
// per-layer backprop identity Theta = sum_l (delta delta^T) (.) (x x^T) with
// GEMMs, against PyTorch computing the same kernel from per-example Jacobians
// (bench_empirical_ntk_torch.py: functorch vmap(jacrev), the way the field
// computes empirical NTKs), in the same run. CPU time, one thread each
// (OMP_NUM_THREADS=1 is set by meson for this benchmark; torch is told 1).
// The inputs are Gaussian vectors put on the sphere |x|^2 / d = 1: the time
// does not depend on the pixels (docs/kernels.md runs the kernels on
// Fashion-MNIST images). Both print the kernel's mean diagonal, which should
// agree to a few percent (two different random nets of one distribution;
// the analytic value is printed beside them).
#include <cstdio>
#include <random>
#include <string>

#include "bench/cpu_time.hpp"
#include "bench/python_torch.hpp"
#include "qmf/kernel/empirical_kernel.hpp"
#include "qmf/kernel/kernel_regression.hpp"
#include "qmf/kernel/kernels.hpp"

int main(int argc, char** argv) {
  constexpr int images = 500, width = 1024, depth = 5, dim = 784;
  const auto phi = qmf::make_activation("relu");
  const qmf::Initialization init{2.0, 0.1};
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(dim, images);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = normal(rng);
  x = qmf::project_to_sphere(x, 1.0);
  const qmf::DerivativeKernel derivative(*phi);
  double diagonal = 0.0;
  const double seconds = qmf::bench::best_cpu_seconds(3, [&] {
    diagonal =
        qmf::empirical_gram(*phi, init, derivative, x, depth, width, 7).ntk.diagonal().mean();
  });
  const double analytic = qmf::kernel_on_diagonal(*phi, init, 1.0, depth, derivative).ntk;
  std::printf("empirical NTK, relu, %d images, d = %d, width %d, depth %d, CPU seconds\n", images,
              dim, width, depth);
  std::printf("%-34s %10s %14s\n", "", "seconds", "mean diagonal");
  std::printf("%-34s %10.3f %14.5g\n", "qmf (float64, backprop identity)", seconds, diagonal);
  const std::string torch =
      argc > 1 ? qmf::bench::python_script_line(argv[1], std::to_string(images) + " " +
                                                             std::to_string(width) + " " +
                                                             std::to_string(depth) + " 1 1")
               : "skipped: no script given";
  std::printf("%-34s %s\n", "pytorch (float32, vmap(jacrev))", torch.c_str());
  std::printf("%-34s %10s %14.5g\n", "analytic NTK(1)", "", analytic);
  return 0;
}
