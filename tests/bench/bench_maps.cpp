// Speed of one `qmf maps` evaluation (issue 2: quant:16 with sigma_b^2 > 0 well
// under 10 ms of compute): every fixed point, slope and depth scale, through
// the library, in CPU time, best of repeated runs. The baseline, timed in the
// same run, is a Monte Carlo estimate of a single value of the covariance map
// with 10^5 samples (about 3 digits), what a sampling-based tool would spend
// on one number that qmf computes to ~1e-15 along with all the others.
#include <cstdio>
#include <random>
#include <string>

#include "cpu_time.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace {

double monte_carlo_covariance(const qmf::Activation& phi, const qmf::Initialization& init, double q,
                              double c) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  const double root_q = std::sqrt(q);
  const double s = std::sqrt((1.0 - c) * (1.0 + c));
  constexpr int samples = 100000;
  double sum = 0.0;
  for (int i = 0; i < samples; ++i) {
    const double z1 = normal(rng);
    const double z2 = c * z1 + s * normal(rng);
    sum += phi.value(root_q * z1) * phi.value(root_q * z2);
  }
  return init.sw2 * sum / samples + init.sb2;
}

}  // namespace

int main() {
  const struct {
    const char* act;
    qmf::Initialization init;
  } cases[] = {{"quant:16", {2.5, 0.05}},  {"quant:16", {1.0116776834086716, 0.0}},
               {"sign", {1.5, 0.05}},      {"lloyd:16", {1.1, 0.05}},
               {"quant:256", {1.2, 0.05}}, {"erf", {2.5, 0.05}},
               {"tanh", {1.85, 0.05}},     {"tanh", {1.70, 0.05}}};
  std::printf("%-12s %6s %6s %14s %14s %8s\n", "activation", "sw2", "sb2", "maps (ms)",
              "MC, 1 value", "ratio");
  volatile double sink = 0.0;
  for (const auto& [act, init] : cases) {
    const auto phi = qmf::make_activation(act);
    const double exact = qmf::bench::best_cpu_seconds(
        5, [&] { sink = sink + qmf::mean_field_fixed_point(*phi, init).xi_c; });
    const double sampled = qmf::bench::best_cpu_seconds(
        3, [&] { sink = sink + monte_carlo_covariance(*phi, init, 1.0, 0.5); });
    std::printf("%-12s %6.3g %6.3g %14.3f %14.3f %8.2f\n", act, init.sw2, init.sb2, 1e3 * exact,
                1e3 * sampled, exact / sampled);
  }
  return 0;
}
