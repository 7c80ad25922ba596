// Training throughput (samples per CPU second) of a quant:8 net, batch 32,
// float32, SGD, at widths 256 and 1024 and depths 20 and 100; the share of
// that time spent in the matrix products (the same products timed alone: the
// GEMM limit); and PyTorch on the CPU running the same net in the same run
// (bench_train_torch.py; "skipped" without python3-torch). Then quantization-
// aware training (issue 10: at most 20 % slower than float training) against
// the float net in the same run.
// Then per-example stochastic rounding against the float net, and its floor:
// the float step against the per-example masked sums alone, moves given.
// Usage: bench_train TORCH_SCRIPT [THREADS] [qat|per-example|floor]   (one table only)
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench/cpu_time.hpp"
#include "bench/python_torch.hpp"
#include "qmf/training/loss.hpp"
#include "qmf/training/optimizer.hpp"
#include "qmf/training/weight_quantizer.hpp"
#include "qmf/weights/weight_spec.hpp"
#include "simulation/normal_generator.hpp"
#include "training/masked_sums.hpp"
#include "training/rounding_bits.hpp"

using namespace qmf;
using namespace qmf::training;
using Mat = Matrix<float>;

namespace {

constexpr int batch = 32;

Mat random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t stream) {
  Eigen::MatrixXd m(rows, cols);
  simulation::NormalGenerator(1, stream, 0, simulation::Stream::inputs).fill(m.data(), m.size());
  return m.cast<float>();
}

// CPU seconds of `steps` training steps, best of `repeats`.
double training_seconds(int width, int depth, int steps, const std::string& weights = "gaussian",
                        int repeats = 3) {
  const auto phi = make_activation("quant:8");
  Network<float> net({784, width, depth, 10}, *phi, {1.0, 1.0}, {1.2, 0.0}, 1,
                     parse_weight_spec(weights));
  Optimizer<float> optimizer({}, net.parameters());
  auto gradient = Parameters<float>::zeros_like(net.parameters());
  const Mat x = random_matrix(784, batch, 1);
  std::array<std::uint8_t, batch> labels{};
  for (int k = 0; k < batch; ++k) labels[k] = static_cast<std::uint8_t>(k % 10);
  Mat logit_gradient;
  const auto step = [&] {
    softmax_cross_entropy(net.forward(x), labels.data(), &logit_gradient);
    net.backward_unclipped(logit_gradient, gradient);  // as the trainer's step
    optimizer.step(net.parameters(), gradient, net.update_hook());
  };
  step();  // warm-up: allocations
  return bench::best_cpu_seconds(repeats, [&] {
    for (int s = 0; s < steps; ++s) step();
  });
}

// CPU seconds of the same step's matrix products alone: per layer W X
// (forward), W^T D (backward) and D X^T (weight gradient).
double product_seconds(int width, int depth, int steps) {
  std::vector<Mat> w;
  for (int l = 0; l <= depth; ++l)
    w.push_back(random_matrix(l == depth ? 10 : width, l == 0 ? 784 : width, 2 + l));
  const Mat x = random_matrix(784, batch, 0);
  const Mat h = random_matrix(width, batch, 1000);
  Mat out, back, grad;
  const auto step = [&] {
    for (int l = 0; l <= depth; ++l) {
      const Mat& input = l == 0 ? x : h;
      out.noalias() = w[l] * input;
      const Mat& d = l == depth ? out : h;
      grad.noalias() = d * input.transpose();
      if (l > 0) back.noalias() = w[l].transpose() * d;
    }
  };
  step();
  return bench::best_cpu_seconds(3, [&] {
    for (int s = 0; s < steps; ++s) step();
  });
}

// CPU seconds of the per-example masked sums alone in `steps` steps: per layer
// and example D B_e x_e (forward) and, above the first layer, D B_e^T d_e
// (backward), block by block as add_rounding_products() sums them, with one
// block of moves drawn beforehand and reused (in cache: the draws cost
// nothing here). Every exact per-example rounding does at least these
// multiply-adds, one per weight and example and pass, on top of the float step.
double masked_sum_seconds(int width, int depth, int steps) {
  alignas(64) float up[quantizer_block];
  for (Eigen::Index r = 0; r < quantizer_block; ++r)
    up[r] = static_cast<float>((r * 7919) % 3 == 0);
  const Mat x = random_matrix(784, batch, 0);
  const Mat h = random_matrix(width, batch, 1000);
  Mat out = Mat::Zero(width, batch);
  Mat back = Mat::Zero(width, batch);
  const auto sums = [&](Eigen::Index rows, Eigen::Index cols, const Mat& in, const Mat& d,
                        bool backward) {
    for (Eigen::Index start = 0; start < rows * cols; start += quantizer_block) {
      const Eigen::Index m = std::min(quantizer_block, rows * cols - start);
      for (int e = 0; e < batch; ++e) {
        rounding::add_masked_sums(up, start, m, rows, 0.5f, in.col(e).data(), false,
                                  out.col(e).data());
        if (backward)
          rounding::add_masked_sums(up, start, m, rows, 0.5f, d.col(e).data(), true,
                                    back.col(e).data());
      }
    }
  };
  const auto step = [&] {
    for (int l = 0; l <= depth; ++l)
      sums(l == depth ? 10 : width, l == 0 ? 784 : width, l == 0 ? x : h, h, l > 0);
  };
  step();
  return bench::best_cpu_seconds(1, [&] {
    for (int s = 0; s < steps; ++s) step();
  });
}

std::string torch_samples_per_second(const std::string& script, int width, int depth, int steps,
                                     int threads) {
  return bench::python_script_line(script, std::to_string(width) + " " + std::to_string(depth) +
                                               " " + std::to_string(steps) + " " +
                                               std::to_string(threads));
}

}  // namespace

// Steps for about 1 CPU second per timing at ~10 GFLOP/s.
int steps_for(int width, int depth) {
  const double flops_per_step = 6.0 * batch * width * (784.0 + depth * width);
  return std::max(2, static_cast<int>(1e10 / flops_per_step));
}

// Float and QAT timed in turn, round after round, best of each: on a shared
// machine the load changes between timings, and alternating lets both sides
// see the same load.
constexpr int rounds = 3;

template <std::size_t Count>
void alternated_rows(const char* const (&specs)[Count]) {
  for (const int width : {256, 1024})
    for (const int depth : {20, 100}) {
      const int steps = steps_for(width, depth);
      double best[Count];
      std::fill(best, best + Count, 1e300);
      for (int round = 0; round < rounds; ++round)
        for (std::size_t k = 0; k < Count; ++k)
          best[k] = std::min(best[k], training_seconds(width, depth, steps, specs[k], 1));
      std::printf("%5d %5d %8.0f", width, depth, steps * batch / best[0]);
      for (std::size_t k = 1; k < Count; ++k)
        std::printf("  %8.0f (%.2f)", steps * batch / best[k], best[0] / best[k]);
      std::printf("\n");
      std::fflush(stdout);
    }
}

void quantized_weights_table() {
  const char* specs[] = {"gaussian", "bits:4", "bits:4,rounding=stochastic", "binary"};
  std::printf(
      "\nquantization-aware training against the float net (samples per CPU second; "
      "ratio = float time / QAT time, >= 0.83 is within 20 %%; best of %d alternated rounds)\n",
      rounds);
  std::printf("width depth    float  bits:4 (ratio)  bits:4,stochastic (ratio)  binary (ratio)\n");
  alternated_rows(specs);
}

// Per-example stochastic rounding (a rounding of every weight for every
// example, drawn again for the backward pass) against the float net.
void per_example_table() {
  const char* specs[] = {"gaussian", "bits:4,rounding=stochastic-per-example"};
  std::printf(
      "\nper-example stochastic rounding against the float net (samples per CPU second; ratio = "
      "float time / per-example time; best of 3 alternated rounds)\n");
  std::printf("width depth    float  bits:4,stochastic-per-example (ratio)\n");
  alternated_rows(specs);
}

// Float additions per CPU second at this CPU's peak: eight independent
// chains of 16-lane vector additions (in registers; no reassociation, so
// each addition is done), in the library's widest copy.
QMF_QAT_CLONES float add_chains(long rounds, float step) {
  using Lanes = float __attribute__((vector_size(64)));
  Lanes acc[8] = {};
  for (long n = 0; n < rounds; ++n)
    for (auto& a : acc) a += step;
  float sum = 0;
  for (const auto& a : acc)
    for (int k = 0; k < 16; ++k) sum += a[k];
  return sum;
}

double peak_additions_per_second() {
  constexpr long rounds = 50'000'000;
  volatile float sink = 0;
  const double seconds = bench::best_cpu_seconds(3, [&] { sink = add_chains(rounds, 1e-9f); });
  return static_cast<double>(rounds) * 8 * 16 / seconds;
}

// The floor of per-example training: float step time T and masked-sum time
// S, alternated; exact per-example rounding with these sums costs more than
// (T + S) / T. And the bound from arithmetic alone: the masked sums add about
// half of the B x weights terms per pass (E[fraction] = 1/2), at best at the
// peak rate of additions.
void floor_table() {
  const double peak = peak_additions_per_second();
  std::printf("\npeak: %.3g float additions per CPU second\n", peak);
  std::printf(
      "\nfloor of per-example rounding: the float step (T) against the per-example masked "
      "sums alone, moves given (S); best of %d alternated rounds\n",
      rounds);
  std::printf("width depth    float  sums-only  (T + S) / T  arithmetic bound\n");
  for (const int width : {256, 1024})
    for (const int depth : {20, 100}) {
      const int steps = steps_for(width, depth);
      double step = 1e300, sums = 1e300;
      for (int round = 0; round < rounds; ++round) {
        step = std::min(step, training_seconds(width, depth, steps, "gaussian", 1));
        sums = std::min(sums, masked_sum_seconds(width, depth, steps));
      }
      const double terms = batch * (784.0 * width + (depth - 1.0) * width * width + 10.0 * width +
                                    (depth - 1.0) * width * width + 10.0 * width);
      const double bound = steps * terms / 2 / peak;
      std::printf("%5d %5d %8.0f %10.0f %12.2f %17.2f\n", width, depth, steps * batch / step,
                  steps * batch / sums, (step + sums) / step, (step + bound) / step);
      std::fflush(stdout);
    }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_train TORCH_SCRIPT [THREADS]\n");
    return 2;
  }
  const int threads = argc > 2 ? std::stoi(argv[2]) : 1;
  omp_set_num_threads(threads);
  Eigen::setNbThreads(threads);
  std::printf("quant:8, batch 32, float32, SGD; %d thread(s); samples per CPU second\n", threads);
  if (argc > 3 && std::string(argv[3]) == "qat") {
    quantized_weights_table();
    return 0;
  }
  if (argc > 3 && std::string(argv[3]) == "floor") {
    floor_table();
    return 0;
  }
  if (argc > 3 && std::string(argv[3]) == "per-example") {
    per_example_table();
    return 0;
  }
  std::printf("width depth      qmf  products-only  share-in-products  pytorch\n");
  for (const int width : {256, 1024})
    for (const int depth : {20, 100}) {
      const int steps = steps_for(width, depth);
      const double train = training_seconds(width, depth, steps);
      const double products = product_seconds(width, depth, steps);
      std::printf("%5d %5d %8.0f %14.0f %18.2f  %s\n", width, depth, steps * batch / train,
                  steps * batch / products, products / train,
                  torch_samples_per_second(argv[1], width, depth, steps, threads).c_str());
      std::fflush(stdout);
    }
  quantized_weights_table();
  per_example_table();
  return 0;
}
