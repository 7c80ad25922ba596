#include "qmf/kernel/phase_diagram.hpp"

#include <omp.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "kernel/correlation_descent.hpp"
#include "kernel/fast_phase_point.hpp"
#include "kernel/length_scan.hpp"
#include "kernel/phase_diagram_reference.hpp"
#include "parallel/first_exception.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"

namespace qmf {

std::string_view to_string(PhaseStatus status) {
  switch (status) {
    case PhaseStatus::ok:
      return "ok";
    case PhaseStatus::multistable:
      return "multistable";
    case PhaseStatus::collapsed:
      return "collapsed";
    case PhaseStatus::diverged:
      return "diverged";
    case PhaseStatus::failed:
      return "failed";
  }
  return "failed";
}

namespace {

// Which way the length map runs from q0 when it finds no fixed point to settle on.
PhaseStatus runaway_status(const Activation& phi, const Initialization& init, double q0) {
  const double gap = layer_map(phi, init).length(q0) - q0;
  if (gap < 0.0) return PhaseStatus::collapsed;
  if (gap > 0.0) return PhaseStatus::diverged;
  return PhaseStatus::failed;
}

}  // namespace

namespace {

// The phase point at init from its length fixed points, all_lengths(), and
// the correlation fixed point solve_correlation(phi, init, q*) (either may
// throw numerical_error like the rest).
template <class LengthFixedPoints, class CorrelationSolver>
PhasePoint complete_phase_point(const Activation& phi, const Initialization& init, double q0,
                                LengthFixedPoints all_lengths,
                                CorrelationSolver solve_correlation) {
  PhasePoint point;
  point.init = init;
  try {
    const auto all = all_lengths();
    const auto stable_count =
        std::count_if(all.begin(), all.end(), [](const LengthFixedPoint& p) { return p.stable; });
    LengthFixedPoint length;
    try {
      length = stable_length_fixed_point(phi, init, q0, all);
    } catch (const numerical_error&) {
      point.status = runaway_status(phi, init, q0);
      return point;
    }
    point.status = stable_count > 1 ? PhaseStatus::multistable : PhaseStatus::ok;
    if (length.q == 0.0) {
      // The marginal collapse at the order-chaos line's end (fixed_points.hpp):
      // c* = 1 with chi_c = chi_1 = 1, as mean_field_fixed_point reports it.
      point.q_star = 0.0;
      point.c_star = point.chi_c = point.chi_1 = 1.0;
      point.xi_c = std::numeric_limits<double>::infinity();
      return point;
    }
    const auto correlation = solve_correlation(phi, init, length.q);
    point.q_star = length.q;
    point.c_star = correlation.c;
    point.chi_c = correlation.chi_c;
    point.chi_1 = layer_map(phi, init).chi_1(length.q);
    point.xi_c = depth_scale(correlation.chi_c);
  } catch (const numerical_error&) {
    point.status = PhaseStatus::failed;
  }
  return point;
}

}  // namespace

PhasePoint phase_point(const Activation& phi, const Initialization& init, double q0) {
  return complete_phase_point(
      phi, init, q0, [&] { return length_fixed_points(phi, init); },
      stable_correlation_fixed_point);
}

PhasePoint detail::fast_phase_point(const Activation& phi, const Initialization& init, double q0) {
  return complete_phase_point(
      phi, init, q0, [&] { return length_fixed_points(phi, init); },
      detail::fast_correlation_fixed_point);
}

namespace {
// The grid's initialisations, row-major with sb2 outer (PhaseDiagram::points).
// A latent sw2 w gives the maps w times the weight prior per unit of it.
std::vector<Initialization> grid_points(const std::vector<double>& sw2,
                                        const std::vector<double>& sb2,
                                        const WeightPrior& unit_prior) {
  if (sw2.empty() || sb2.empty()) throw std::invalid_argument("the phase diagram grid is empty");
  for (double w : sw2) validate({w, 0.0});
  for (double b : sb2) validate({1.0, b});
  std::vector<Initialization> inits;
  inits.reserve(sw2.size() * sb2.size());
  for (double b : sb2)
    for (double w : sw2)
      inits.push_back({w * unit_prior.variance, b, w * unit_prior.per_example_noise});
  return inits;
}

// points[k] = point_at(inits[k]) on `threads` OpenMP threads, polling
// `interrupt` before each point.
template <class PointAt>
PhaseDiagram compute_grid(const std::vector<double>& sw2, const std::vector<double>& sb2,
                          const std::vector<Initialization>& inits, int threads,
                          const ProgressCallback& progress, const Interrupt& interrupt,
                          PointAt point_at) {
  PhaseDiagram diagram{sw2, sb2, std::vector<PhasePoint>(inits.size())};
  const int total = static_cast<int>(inits.size());
  int finished = 0;
  detail::FirstException failure;
  // Costs vary a lot across the grid (c* near 1 is expensive): dynamic chunks.
#pragma omp parallel for schedule(dynamic, 4) num_threads(std::max(1, threads))
  for (int k = 0; k < total; ++k) {
    failure.capture([&] {
      interrupt.poll();
      diagram.points[k] = point_at(inits[k]);
      int done = 0;
#pragma omp atomic capture
      done = ++finished;
      if (progress && omp_get_thread_num() == 0) progress(done, total);
    });
  }
  failure.rethrow();
  if (progress) progress(total, total);
  return diagram;
}
}  // namespace

PhaseDiagram detail::phase_diagram_point_by_point(const Activation& phi,
                                                  const std::vector<double>& sw2,
                                                  const std::vector<double>& sb2, int threads,
                                                  const ProgressCallback& progress,
                                                  const WeightPrior& unit_prior) {
  return compute_grid(sw2, sb2, grid_points(sw2, sb2, unit_prior), threads, progress, {},
                      [&](const Initialization& init) { return phase_point(phi, init); });
}

PhaseDiagram phase_diagram(const Activation& phi, const std::vector<double>& sw2,
                           const std::vector<double>& sb2, int threads,
                           const ProgressCallback& progress, const WeightPrior& unit_prior,
                           const Interrupt& interrupt) {
  const auto inits = grid_points(sw2, sb2, unit_prior);
  const detail::LengthScan lengths(phi, inits, threads, interrupt);
  return compute_grid(sw2, sb2, inits, threads, progress, interrupt,
                      [&](const Initialization& init) {
                        return complete_phase_point(
                            phi, init, 1.0, [&] { return lengths.fixed_points(init); },
                            detail::fast_correlation_fixed_point);
                      });
}

std::vector<double> linear_grid(double a, double b, int n) {
  if (n < 1) throw std::invalid_argument("a grid needs at least one point");
  std::vector<double> values(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) values[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
  if (n > 1) values.back() = b;
  return values;
}

}  // namespace qmf
