// Simulation layer: finite random nets, forward and backward, beside the
// mean-field prediction of the same quantities.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/numerics/memory_limit.hpp"
#include "qmf/simulation/simulate.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::python {

namespace {

// The STE exists for step activations only; its slope defaults to the one
// that preserves gradient norms at q* (as in `qmf simulate`).
StraightThrough surrogate_for(const Activation& phi, const Initialization& init, double q0,
                              std::optional<double> slope, std::optional<double> clip,
                              std::optional<std::pair<double, double>> window) {
  if (!phi.is_step()) {
    if (slope || clip || window)
      throw std::invalid_argument(std::string(slope  ? "ste_slope"
                                              : clip ? "ste_clip"
                                                     : "ste_window") +
                                  " applies to step activations only (smooth ones use phi')");
    return {};
  }
  if (window) {  // [lo, hi] in place of [-clip, clip]
    if (clip) throw std::invalid_argument("ste_window replaces ste_clip: give one of them");
    validate_window(window->first, window->second);
    if (slope) return {*slope, 1.0, window};
    return gradient_preserving_surrogate(phi, init, q0, window->first, window->second);
  }
  const double tau = clip.value_or(1.0);
  if (!(std::isfinite(tau) && tau > 0.0))
    throw std::invalid_argument("ste_clip must be a positive finite number");
  if (slope) return {*slope, tau};
  return gradient_preserving_surrogate(phi, init, q0, tau);
}

SimulationMethod parse_method(const std::string& name) {
  if (name == "auto") return SimulationMethod::automatic;
  if (name == "gram") return SimulationMethod::gram;
  if (name == "weights") return SimulationMethod::weights;
  if (name == "cells") return SimulationMethod::cells;
  throw std::invalid_argument("method '" + name + "': expected auto, gram, weights or cells");
}

py::dict simulate_result(const std::shared_ptr<Activation>& phi, double sw2, double sb2, int width,
                         int depth, double q0, const std::vector<double>& c0, int nets,
                         std::uint64_t seed, int threads, bool backward,
                         std::optional<double> ste_slope, std::optional<double> ste_clip,
                         std::optional<std::pair<double, double>> ste_window,
                         const std::string& weights, const std::string& method) {
  SimulationSettings s;
  s.init = {sw2, sb2};
  s.width = width;
  s.depth = depth;
  s.q0 = q0;
  s.c0 = c0;
  s.nets = nets;
  s.seed = seed;
  s.threads = threads;
  s.backward = backward;
  s.weights = parse_weight_spec(weights);
  s.method = parse_method(method);
  validate(s);
  require_memory_within_limit(simulation_memory_bytes(*phi, s), "width, depth, nets and threads");
  // The default STE preserves gradients for the variance each input's weights
  // have, E[Q^2] sw2 with quantized weights (as in `qmf simulate`).
  const Initialization mean_field = mean_field_initialization(s);
  const Initialization each_input{mean_field.sw2 + mean_field.weight_noise, mean_field.sb2};
  s.surrogate = surrogate_for(*phi, each_input, s.q0, ste_slope, ste_clip, ste_window);
  std::vector<PredictedLayer> predicted;
  std::vector<SimulatedLayer> simulated;
  interruptible([&](const Interrupt& interrupt) {
    s.interrupt = interrupt;
    predicted = predict_layers(*phi, s);
    simulated = simulate_networks(*phi, s);
  });
  const auto layers = static_cast<py::ssize_t>(depth + 1);
  const auto pairs = static_cast<py::ssize_t>(c0.size());
  py::array_t<int> l(layers);
  py::array_t<double> q_sim(layers), q_se(layers), q_mf(layers), grad_sim(layers), grad_se(layers),
      grad_mf(layers);
  py::array_t<double> c_sim({layers, pairs}), c_se({layers, pairs}), c_mf({layers, pairs});
  for (py::ssize_t i = 0; i < layers; ++i) {
    const auto& sim = simulated[i];
    const auto& mf = predicted[i];
    l.mutable_at(i) = static_cast<int>(i);
    q_sim.mutable_at(i) = checked(sim.q.mean, "q_sim");
    q_se.mutable_at(i) = checked(sim.q.se, "q_se");
    q_mf.mutable_at(i) = checked(mf.q, "q_mf");
    for (py::ssize_t k = 0; k < pairs; ++k) {
      c_sim.mutable_at(i, k) = checked(sim.c[k].mean, "c_sim");
      c_se.mutable_at(i, k) = checked(sim.c[k].se, "c_se");
      c_mf.mutable_at(i, k) = checked(mf.c[k], "c_mf");
    }
    if (backward) {
      grad_sim.mutable_at(i) = checked(sim.grad.mean, "grad_sim");
      grad_se.mutable_at(i) = checked(sim.grad.se, "grad_se");
      grad_mf.mutable_at(i) = checked(mf.grad, "grad_mf");
    }
  }
  py::dict out;
  out["act"] = phi->spec();
  out["weights"] = s.weights.text;
  out["sw2_effective"] = checked(mean_field.sw2 + mean_field.weight_noise, "sw2_effective");
  out["weight_noise"] = checked(mean_field.weight_noise, "weight_noise");
  out["method"] = method_name(chosen_method(*phi, s));
  if (phi->is_step()) {
    out["ste_slope"] = checked(s.surrogate.slope, "ste_slope");
    if (s.surrogate.window)
      out["ste_window"] = py::make_tuple(s.surrogate.lower(), s.surrogate.upper());
    else
      out["ste_clip"] = checked(s.surrogate.clip, "ste_clip");
  }
  out["l"] = l;
  out["q_sim"] = q_sim;
  out["q_se"] = q_se;
  out["q_mf"] = q_mf;
  out["c_sim"] = c_sim;
  out["c_se"] = c_se;
  out["c_mf"] = c_mf;
  if (backward) {
    out["grad_sim"] = grad_sim;
    out["grad_se"] = grad_se;
    out["grad_mf"] = grad_mf;
  }
  return out;
}

}  // namespace

void bind_simulation(py::module_& m) {
  m.def("simulate", &simulate_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"),
        py::arg("width"), py::arg("depth"), py::arg("q0"), py::arg("c0"), py::arg("nets"),
        py::arg("seed"), py::arg("threads"), py::arg("backward"), py::arg("ste_slope"),
        py::arg("ste_clip"), py::arg("ste_window"), py::arg("weights"), py::arg("method"));
}

}  // namespace qmf::python
