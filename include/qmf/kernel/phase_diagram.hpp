// The phase diagram: fixed points and depth scales over a grid of
// (sigma_w^2, sigma_b^2). Every grid point gets a status instead of a NaN, so
// regions where the length map collapses or has several stable fixed points
// can be shown for what they are.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "qmf/interrupt.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

enum class PhaseStatus {
  ok,           // one stable length fixed point, reached from q0
  multistable,  // several stable length fixed points; values are those reached from q0
  collapsed,    // the length map runs to q = 0
  diverged,     // the length map runs to infinity
  failed,       // another numerical failure (no convergence)
};

/// "ok", "multistable", "collapsed", "diverged", "failed": the CSV spelling.
std::string_view to_string(PhaseStatus status);

/// Values are meaningful (finite, or chi_1 = +inf for steps) only when has_values().
struct PhasePoint {
  Initialization init;
  PhaseStatus status = PhaseStatus::failed;
  double q_star = 0.0;
  double c_star = 0.0;
  double chi_c = 0.0;
  double chi_1 = 0.0;
  double xi_c = 0.0;
  [[nodiscard]] bool has_values() const {
    return status == PhaseStatus::ok || status == PhaseStatus::multistable;
  }
};

/// The fixed point reached from q0 and its correlation slopes; numerical
/// failures become a status, never an exception.
PhasePoint phase_point(const Activation& phi, const Initialization& init, double q0 = 1.0);

struct PhaseDiagram {
  std::vector<double> sw2;
  std::vector<double> sb2;
  /// Row-major with sb2 outer: points[j * sw2.size() + i] is at (sw2[i], sb2[j]).
  std::vector<PhasePoint> points;
};

/// Called from one thread with (finished, total) as points complete.
using ProgressCallback = std::function<void(int finished, int total)>;

/// phase_point at every grid point, on `threads` OpenMP threads; the result
/// does not depend on the thread count. The grid's sw2 is latent: a point
/// sees the weight prior per unit of it times sw2 (quantized weights,
/// qmf/weights/weight_spec.hpp), so PhasePoint::init.sw2 is the shared part.
/// `interrupt` is polled before every point (qmf/interrupt.hpp).
PhaseDiagram phase_diagram(const Activation& phi, const std::vector<double>& sw2,
                           const std::vector<double>& sb2, int threads,
                           const ProgressCallback& progress = {},
                           const WeightPrior& unit_prior = {}, const Interrupt& interrupt = {});

/// n evenly spaced values from a to b, both included (n = 1 gives {a}).
std::vector<double> linear_grid(double a, double b, int n);

}  // namespace qmf
