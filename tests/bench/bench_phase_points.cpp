// Benchmark (issue 14 item 6): CPU time per phase-diagram point of the grid
// route (qmf::phase_diagram) beside the point-by-point route it replaced
// (detail::phase_diagram_point_by_point), measured in the same run, on one
// thread, over sw2 in [0.2, 4], sb2 in [0, 0.5]. Also prints the largest
// relative difference of the reported values between the two routes (the
// tests assert it; here it only shows that the timed work is the same work).
// The grids are small where the point-by-point route takes tens of ms a point.
// Reports, asserts nothing.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/cpu_time.hpp"
#include "kernel/phase_diagram_reference.hpp"

namespace {

double relative_difference(double a, double b) {
  if (a == b) return 0.0;  // also equal infinities
  return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

double largest_difference(const qmf::PhaseDiagram& x, const qmf::PhaseDiagram& y) {
  double largest = 0.0;
  for (std::size_t k = 0; k < x.points.size(); ++k) {
    const auto& p = x.points[k];
    const auto& r = y.points[k];
    if (p.status != r.status) return INFINITY;
    if (!p.has_values()) continue;
    for (auto [a, b] : {std::pair{p.q_star, r.q_star},
                        {p.c_star, r.c_star},
                        {p.chi_c, r.chi_c},
                        {p.chi_1, r.chi_1},
                        {p.xi_c, r.xi_c}})
      largest = std::max(largest, relative_difference(a, b));
  }
  return largest;
}

void compare(const char* spec, int n) {
  const auto phi = qmf::make_activation(spec);
  const auto sw2 = qmf::linear_grid(0.2, 4.0, n);
  const auto sb2 = qmf::linear_grid(0.0, 0.5, n);
  const double points = static_cast<double>(n) * n;
  qmf::PhaseDiagram fast;
  qmf::PhaseDiagram reference;
  const double fast_seconds =
      qmf::bench::best_cpu_seconds(3, [&] { fast = qmf::phase_diagram(*phi, sw2, sb2, 1); });
  const double reference_seconds = qmf::bench::best_cpu_seconds(
      1, [&] { reference = qmf::detail::phase_diagram_point_by_point(*phi, sw2, sb2, 1); });
  std::printf(
      "%-9s %3dx%-3d grid route %10.2f us/point, point by point %10.2f us/point, ratio %7.1f; "
      "largest relative difference %.1e\n",
      spec, n, n, 1e6 * fast_seconds / points, 1e6 * reference_seconds / points,
      reference_seconds / fast_seconds, largest_difference(fast, reference));
}

}  // namespace

int main() {
  compare("quant:16", 256);
  compare("steps:t=-1;0.2;0.5,y=-1;0;0.5;2", 64);
  compare("sign", 64);
  compare("erf", 64);
  compare("relu", 64);
  compare("hardtanh", 32);
  compare("tanh", 16);
  // Smooth activations without closed forms beside tanh (issue 14 item 6:
  // <= 1 ms per point), and leaky_relu, whose closed forms skip the series.
  for (const char* smooth : {"gelu", "silu", "sigmoid", "softplus", "leaky_relu"})
    compare(smooth, 12);
  compare("elu", 12);
  compare("selu", 12);
}
