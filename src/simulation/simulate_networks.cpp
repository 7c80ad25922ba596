// The ensemble of random nets: parallel over nets, reduced in net order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "parallel/first_exception.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/simulation/simulate.hpp"
#include "simulation/cell_network.hpp"
#include "simulation/gram_network.hpp"
#include "simulation/random_network.hpp"

namespace qmf {

namespace {

template <class Value>
Estimate estimate(const std::vector<simulation::NetMeasurement>& nets, Value value) {
  const auto count = static_cast<double>(nets.size());
  double sum = 0.0;
  for (const auto& net : nets) sum += value(net);
  const double mean = sum / count;
  // Deviations in units of a power of two near the largest: exact, the same
  // bits wherever nothing under- or overflows, and no squares of ~1e-160
  // that underflow to an error of 0 (tanh at sw2 = 1e-8, depth 20).
  double largest = 0.0;
  for (const auto& net : nets) largest = std::max(largest, std::fabs(value(net) - mean));
  const int exponent = largest > 0.0 && std::isfinite(largest) ? std::ilogb(largest) : 0;
  double squares = 0.0;
  for (const auto& net : nets) {
    const double deviation = std::scalbn(value(net) - mean, -exponent);
    squares += deviation * deviation;
  }
  return {mean, std::scalbn(std::sqrt(squares / (count - 1.0) / count), exponent)};
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

numerical_error precision_lost(std::size_t layer) {
  return numerical_error("the simulated nets leave double precision at layer " +
                         std::to_string(layer) +
                         " (signal or gradient over- or underflows; try a smaller sw2 or depth)");
}

// A net whose signal or gradient leaves double precision has no statistics
// to report: say where, rather than print inf or NaN. The gradient counts
// when the backward pass ran (otherwise it is NaN: not measured).
void require_finite(const SimulatedLayer& layer, bool backward, double q0) {
  bool finite = std::isfinite(layer.q.mean) && std::isfinite(layer.q.se);
  for (const auto& c : layer.c) finite = finite && std::isfinite(c.mean) && std::isfinite(c.se);
  // The inputs themselves: their variance q0 is the cause, not sw2 or depth.
  if (!finite && layer.layer == 0)
    throw numerical_error("the simulated inputs leave double precision (q0 = " +
                          detail::format_number(q0) + ": their squares over- or underflow)");
  if (backward) finite = finite && std::isfinite(layer.grad.mean) && std::isfinite(layer.grad.se);
  if (!finite) throw precision_lost(layer.layer);
}

// A net in which every pre-activation of an input is exactly 0 (relu with
// sb2 = 0 at a small width: all units of the layer below were negative) has
// no correlation there (0/0), and none at any layer above. That is the
// net's fate, not a loss of precision: name it. A layer whose q, or q^2,
// is not finite (q above ~1e154: the Gram and cell methods' q1 q2
// overflows) before that is a loss of precision, and the layers above it
// are its debris (relu maps NaN to 0: they look dead).
// Where the mean field itself collapses (q -> 0 from q0: quant:3 at sw2 =
// 0.25, its zero level swallowing small inputs), every net dies sooner or
// later, whatever its width: the message says so instead of suggesting one.
void require_living(const Activation& phi, const SimulationSettings& s,
                    const std::vector<simulation::NetMeasurement>& nets) {
  const std::size_t pairs = s.c0.size();
  const std::size_t layers = nets.front().q.size();
  for (std::size_t l = 0; l < layers; ++l)
    for (std::size_t r = 0; r < nets.size(); ++r)
      for (std::size_t p = 0; p < pairs; ++p)
        if (std::isnan(nets[r].c[l * pairs + p])) {
          for (std::size_t below = 0; below <= l; ++below)
            if (!std::isfinite(nets[r].q[below] * nets[r].q[below])) throw precision_lost(below);
          bool collapses = false;
          try {
            collapses = reached_length(phi, mean_field_initialization(s), s.q0) == 0.0;
          } catch (const numerical_error&) {
          }
          throw numerical_error(
              "net " + std::to_string(r) + " dies at layer " + std::to_string(l) +
              ": every pre-activation of an input is exactly 0, so its correlation is undefined "
              "(all units of the layer below were 0 after phi; " +
              (collapses ? "the mean field collapses too, q -> 0 from q0 at this sw2 and sb2, so "
                           "no width avoids it: a larger sw2 or sb2 > 0 does)"
                         : "a wider net or sb2 > 0 avoids it)"));
        }
}

// At least this many rows per cell on average. A cell costs about 1 us per
// layer (its sums, a Cholesky root, a Wishart draw); measured crossover with
// the Gram method (quant:16, one pair, depth 30, CPU time): Gram faster at
// width 20000 (0.46 s against 0.64 s for 40 nets), equal at 50000 (~150 rows
// per cell), cells 1.8x faster at 100000 and 2x at 10^6.
constexpr double rows_per_cell = 160.0;

bool cells_are_few(const Activation& phi, const SimulationSettings& s) {
  try {
    return simulation::cell_count(phi, s) * rows_per_cell <= s.width;
  } catch (const std::invalid_argument&) {
    return false;  // more cells than the method allows
  }
}

}  // namespace

void validate(const SimulationSettings& s) {
  validate(s.init);
  require(s.init.weight_noise == 0.0,
          "weight noise must be 0 in a simulation's init: per-example noise comes from its "
          "weight spec");
  for (const auto method : {SimulationMethod::gram, SimulationMethod::cells})
    require(s.method != method || s.weights.kind == WeightSpec::Kind::gaussian,
            std::string("method ") + method_name(method) +
                " draws Gaussian weights exactly; quantized weights (" + s.weights.text +
                ") need method weights");
  require(s.width >= 2, "width must be at least 2 (two inputs need two dimensions)");
  require(static_cast<std::size_t>(s.width) > s.c0.size(),
          "width must exceed the number of input pairs (width " + std::to_string(s.width) + ", " +
              std::to_string(s.c0.size()) + " pairs)");
  require(s.depth >= 1, "depth must be at least 1");
  require(s.nets >= 2, "nets must be at least 2 (a standard error needs two nets)");
  require(s.threads >= 1, "threads must be at least 1");
  require(!s.c0.empty(), "c0 needs at least one correlation");
  for (const double c : s.c0) validate_start(s.q0, c, s.depth);
}

// Per layer and column, drawing the weights costs n draws and multiply-adds
// (twice with the backward pass); the Gram layer costs about three draws
// (forward, its recomputation, backward) and m multiply-adds in each of a
// handful of n x m by m x m products.
SimulationMethod chosen_method(const Activation& phi, const SimulationSettings& s) {
  // Quantized weights are not Gaussian: only drawing them is exact.
  if (s.weights.kind != WeightSpec::Kind::gaussian) return SimulationMethod::weights;
  if (s.method != SimulationMethod::automatic) return s.method;
  // The cell sums replace the Gram method's two draws per unit, input and
  // layer on the way down by a few per cell; worth it once the cells are few
  // against the rows (each then holds many).
  if (phi.is_step() && s.backward && cells_are_few(phi, s)) return SimulationMethod::cells;
  const double m = static_cast<double>(s.c0.size()) + 1.0;
  // Draws and multiply-adds per unit, input and layer: a weight per input
  // (twice with the backward pass) against the Gram layer's draws (one
  // forward, two more on the way down, gram_network.hpp) and m x m products.
  const double weights = (s.backward ? 2.0 : 1.0) * s.width;
  const double gram = (s.backward ? 3.0 : 1.0) + 6.0 * m;
  return gram < weights ? SimulationMethod::gram : SimulationMethod::weights;
}

const char* method_name(SimulationMethod method) {
  switch (method) {
    case SimulationMethod::gram:
      return "gram";
    case SimulationMethod::weights:
      return "weights";
    case SimulationMethod::cells:
      return "cells";
    case SimulationMethod::automatic:
      break;
  }
  return "auto";
}

// The doubles a net of these settings keeps alive per thread: its
// pre-activations at every layer (the backward pass needs them) and a few
// n x m work matrices; and the measurements of every net.
double simulation_memory_bytes(const Activation& phi, const SimulationSettings& s) {
  const double columns = static_cast<double>(s.c0.size()) + 1.0;
  double per_thread = (s.depth + 4.0) * s.width * columns;
  switch (chosen_method(phi, s)) {
    case SimulationMethod::gram:
      per_thread = simulation::gram_net_doubles(s);
      break;
    case SimulationMethod::cells:
      per_thread = simulation::cell_net_doubles(phi, s);
      break;
    default:
      break;
  }
  const double per_net = (s.depth + 1.0) * (columns + 2.0);
  return 8.0 * (s.threads * per_thread + s.nets * per_net);
}

std::vector<SimulatedLayer> simulate_networks(const Activation& phi,
                                              const SimulationSettings& settings,
                                              const SimulationProgress& progress) {
  validate(settings);
  const BackwardDerivative g(phi, settings.surrogate);
  const SimulationMethod method = chosen_method(phi, settings);
  if (method == SimulationMethod::cells)
    static_cast<void>(simulation::cell_count(phi, settings));  // a smooth phi: invalid_argument
  std::vector<simulation::NetMeasurement> nets(settings.nets);
  int finished = 0;
  detail::FirstException failure;
#pragma omp parallel num_threads(settings.threads)
  {
    simulation::GramWorkspace workspace;  // one per thread, reused net after net
#pragma omp for schedule(dynamic, 1)
    for (int r = 0; r < settings.nets; ++r) {
      failure.capture([&] {
        switch (method) {
          case SimulationMethod::gram:
            nets[r] = simulation::measure_gram_net(phi, g, settings, r, {}, &workspace);
            break;
          case SimulationMethod::cells:
            nets[r] = simulation::measure_cell_net(phi, g, settings, r);
            break;
          default:
            nets[r] = simulation::measure_random_net(phi, g, settings, r);
        }
#pragma omp critical(qmf_simulation_progress)
        {
          ++finished;
          if (progress) progress(finished, settings.nets);
        }
      });
    }
  }
  failure.rethrow();

  const std::size_t pairs = settings.c0.size();
  require_living(phi, settings, nets);
  std::vector<SimulatedLayer> layers(settings.depth + 1);
  for (int l = 0; l <= settings.depth; ++l) {
    auto& layer = layers[l];
    layer.layer = l;
    layer.q = estimate(nets, [l](const auto& net) { return net.q[l]; });
    for (std::size_t p = 0; p < pairs; ++p)
      layer.c.push_back(estimate(nets, [=](const auto& net) { return net.c[l * pairs + p]; }));
    const double not_measured = std::numeric_limits<double>::quiet_NaN();
    layer.grad = settings.backward ? estimate(nets, [l](const auto& net) { return net.grad[l]; })
                                   : Estimate{not_measured, not_measured};
    require_finite(layer, settings.backward, settings.q0);
  }
  return layers;
}

}  // namespace qmf
