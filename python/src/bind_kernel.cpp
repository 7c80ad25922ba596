// Kernel layer: the kernel state of a pair of inputs, the layers that map it,
// the mean-field maps, their fixed points, criticality and phase diagrams.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "qmf/kernel/critical_initialisation.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/phase_diagram.hpp"
#include "qmf/numerics/memory_limit.hpp"
#include "qmf/weights/weight_spec.hpp"

namespace qmf::python {

namespace {

using ActivationPtr = std::shared_ptr<Activation>;

// A LayerMap keeps a reference to its activation: this keeps the activation alive.
struct BoundLayerMap {
  ActivationPtr phi;
  LayerMap map;
  BoundLayerMap(ActivationPtr activation, const Dense& dense)
      : phi(std::move(activation)), map(*phi, dense) {}
};

// LayerMap's equal-norm components as functions vectorised over q (and c).
template <double (LayerMap::*f)(double) const>
double component(const BoundLayerMap* l, double q) {
  return checked((l->map.*f)(valid_variance(q, "q")), "the layer map");
}
template <double (LayerMap::*f)(double, double) const>
double pair_component(const BoundLayerMap* l, double q, double c) {
  return checked((l->map.*f)(valid_variance(q, "q"), valid_correlation(c)), "the layer map");
}

Dense validated_dense(double sw2, double sb2, double noise) {
  Dense dense({sw2, noise}, sb2);
  dense.validate();
  return dense;
}

void bind_kernel_state(py::module_& m) {
  py::class_<KernelState>(m, "KernelState",
                          "Kernel of a pair of inputs at one layer: second moments q1, q2, the\n"
                          "covariance q12, gap = (q1 + q2)/2 - q12 (kept without cancellation)\n"
                          "and the neural tangent kernel ntk1, ntk2, ntk12.")
      .def(py::init<>())
      .def_static("equal_norms", &KernelState::equal_norms, py::arg("q"), py::arg("c"),
                  "two inputs of second moment q and correlation c")
      .def_static("with_norms", &KernelState::with_norms, py::arg("q1"), py::arg("q2"),
                  py::arg("c"), "second moments q1, q2 and correlation c")
      .def_readwrite("q1", &KernelState::q1)
      .def_readwrite("q2", &KernelState::q2)
      .def_readwrite("q12", &KernelState::q12)
      .def_readwrite("gap", &KernelState::gap)
      .def_readwrite("ntk1", &KernelState::ntk1)
      .def_readwrite("ntk2", &KernelState::ntk2)
      .def_readwrite("ntk12", &KernelState::ntk12)
      .def_property_readonly("correlation", &KernelState::correlation, "q12 / sqrt(q1 q2)")
      .def_property_readonly("correlation_complement", &KernelState::correlation_complement,
                             "1 - correlation, from the gap")
      .def("__repr__", [](const KernelState& s) {
        return py::str("KernelState(q1={}, q2={}, q12={}, gap={}, ntk1={}, ntk2={}, ntk12={})")
            .format(s.q1, s.q2, s.q12, s.gap, s.ntk1, s.ntk2, s.ntk12)
            .cast<std::string>();
      });
}

void bind_layers(py::module_& m) {
  py::class_<Dense>(m, "Dense",
                    "x -> W x / sqrt(n) + b, Var W_ij = sw2 / n (plus per-example noise\n"
                    "variance noise / n), Var b_i = sb2: K' = sw2 K + sb2.")
      .def(py::init(&validated_dense), py::arg("sw2"), py::arg("sb2") = 0.0, py::arg("noise") = 0.0)
      .def_property_readonly("sw2", [](const Dense& d) { return d.weights().variance; })
      .def_property_readonly("sb2", &Dense::bias_variance)
      .def_property_readonly("noise", [](const Dense& d) { return d.weights().per_example_noise; })
      .def("__call__", &Dense::operator(), py::arg("state"));

  py::class_<BoundLayerMap>(m, "LayerMap",
                            "One layer h -> W phi(h) + b of a deep net, acting on KernelState.")
      .def(py::init<ActivationPtr, const Dense&>(), py::arg("act"), py::arg("dense"))
      .def_property_readonly("act", [](const BoundLayerMap& l) { return l.phi; })
      .def_property_readonly("dense", [](const BoundLayerMap& l) { return l.map.dense(); })
      .def("__call__", [](const BoundLayerMap& l, const KernelState& s) { return l.map(s); })
      .def("length", py::vectorize(component<&LayerMap::length>), py::arg("q"),
           "q' (the length map)")
      .def("length_slope", py::vectorize(component<&LayerMap::length_slope>), py::arg("q"),
           "dq'/dq")
      .def("chi_1", py::vectorize(component<&LayerMap::chi_1>), py::arg("q"),
           "sw2 E[phi'(u)^2]; inf for step activations")
      .def("covariance", py::vectorize(pair_component<&LayerMap::covariance>), py::arg("q"),
           py::arg("c"), "q12' for two inputs of variance q and correlation c")
      .def("correlation_complement",
           py::vectorize(pair_component<&LayerMap::correlation_complement>), py::arg("q"),
           py::arg("c"), "1 - c', without cancellation as c -> 1")
      .def("correlation_slope", py::vectorize(pair_component<&LayerMap::correlation_slope>),
           py::arg("q"), py::arg("c"), "dc'/dc at fixed q");

  m.def(
      "propagate",
      [](const BoundLayerMap& l, const KernelState& input, int depth) {
        // Every layer's state, and its copy held by a Python object.
        require_memory_within_limit((depth + 1.0) * (2 * sizeof(KernelState) + 64.0), "depth");
        return interruptible(
            [&](const Interrupt& interrupt) { return propagate(l.map, input, depth, interrupt); });
      },
      py::arg("layer_map"), py::arg("state"), py::arg("depth"));
}

// As qmf maps --weights: the latent weights' sw2 becomes the variance the
// inputs share plus the rounding noise each sees alone.
Initialization weighted_initialization(const WeightSpec& weights, double sw2, double sb2) {
  validate(Initialization{sw2, sb2});
  const WeightPrior prior = weight_prior(weights, sw2);
  return {prior.variance, sb2, prior.per_example_noise};
}

py::dict maps_result(const ActivationPtr& phi, double sw2, double sb2, double q0, double c0,
                     std::optional<int> depth, const std::string& weights_spec) {
  const WeightSpec weights = parse_weight_spec(weights_spec);
  const Initialization init = weighted_initialization(weights, sw2, sb2);
  validate_start(q0, c0, depth.value_or(0));
  // Every layer becomes a dict of three numbers: a few hundred bytes.
  require_memory_within_limit((depth.value_or(-1) + 1.0) * (sizeof(LayerState) + 320.0), "depth");
  MeanFieldFixedPoint fixed;
  {
    py::gil_scoped_release release;
    fixed = mean_field_fixed_point(*phi, init, q0);
  }
  py::dict out;
  out["act"] = phi->spec();
  out["sw2"] = sw2;
  out["sb2"] = sb2;
  out["weights"] = weights.text;
  out["sw2_effective"] = init.sw2 + init.weight_noise;
  out["weight_noise"] = init.weight_noise;
  out["q0"] = q0;
  out["c0"] = c0;
  out["q_star"] = checked(fixed.length.q, "q_star");
  py::list points;
  for (const auto& p : fixed.all_length_fixed_points) {
    py::dict point;
    point["q"] = checked(p.q, "q");
    point["chi_q"] = checked(p.chi_q, "chi_q");
    point["stable"] = p.stable;
    point["marginal"] = p.marginal;
    points.append(point);
  }
  out["q_fixed_points"] = points;
  out["every_q_fixed"] = fixed.every_q_fixed;
  out["c_star"] = checked(fixed.correlation.c, "c_star");
  out["chi_q"] = checked(fixed.length.chi_q, "chi_q");
  out["chi_c"] = checked(fixed.correlation.chi_c, "chi_c");
  out["chi_1"] = checked(fixed.chi_1, "chi_1");
  out["xi_q"] = checked(fixed.xi_q, "xi_q");
  out["xi_c"] = checked(fixed.xi_c, "xi_c");
  if (depth) {
    py::list layers;
    const auto states = interruptible([&](const Interrupt& interrupt) {
      return iterate_maps(*phi, init, q0, c0, *depth, interrupt);
    });
    for (const auto& s : states) {
      py::dict layer;
      layer["l"] = s.layer;
      layer["q"] = checked(s.q, "q");
      layer["c"] = checked(s.c, "c");
      layers.append(layer);
    }
    out["depth"] = *depth;
    out["layers"] = layers;
  }
  return out;
}

py::dict iterate_result(const ActivationPtr& phi, double sw2, double sb2, double q0, double c0,
                        int depth, const std::string& weights) {
  const auto init = weighted_initialization(parse_weight_spec(weights), sw2, sb2);
  require_memory_within_limit((depth + 1.0) * (sizeof(LayerState) + 3 * sizeof(double)), "depth");
  const auto states = interruptible([&](const Interrupt& interrupt) {
    return iterate_maps(*phi, init, q0, c0, depth, interrupt);
  });
  py::dict out;
  out["l"] = column(states, &LayerState::layer, "l");
  out["q"] = column(states, &LayerState::q, "q");
  out["c"] = column(states, &LayerState::c, "c");
  return out;
}

// The same fields as `qmf critical --json` (one library result, two printers).
py::dict critical_result(const ActivationPtr& phi, double sb2, double k,
                         const std::string& weights_spec) {
  const WeightSpec weights = parse_weight_spec(weights_spec);
  CriticalInitialisation point;
  {
    py::gil_scoped_release release;
    point = critical_initialisation(*phi, sb2, weight_prior(weights, 1.0), k);
  }
  py::dict out;
  out["act"] = phi->spec();
  out["sb2"] = sb2;
  out["weights"] = weights.text;
  if (point.step) {
    out["sw_opt"] = checked(std::sqrt(point.sw2), "sw_opt");
    out["sw2_opt"] = checked(point.sw2, "sw2_opt");
  } else {
    out["sw2_crit"] = checked(point.sw2, "sw2_crit");
  }
  out["q_star"] = checked(point.q_star, "q_star");
  if (point.step)
    out["dtilde_opt"] =
        std::isnan(point.dtilde) ? py::object(py::none()) : py::float_(point.dtilde);
  out["c_star"] = checked(point.c_star, "c_star");
  out["chi_c"] = checked(point.chi, "chi_c");
  out["xi_c"] = point.xi;  // inf on the line with Gaussian weights
  if (point.step) {        // the contract's names for the best chi_c, as in the CLI
    out["chi_max"] = out["chi_c"];
    out["xi_max"] = out["xi_c"];
  }
  if (point.step) out["degenerate"] = point.degenerate;
  out["sw2_effective"] = checked(point.sw2_effective, "sw2_effective");
  out["weight_noise"] = checked(point.weight_noise, "weight_noise");
  out["k"] = k;
  out["L_max"] = point.l_max;
  return out;
}

// Row-major grids with sb2 outer (shape (len(sb2), len(sw2))); NaN where a
// point has no values, which the package turns into masked entries.
// With quantized weights sw2 is the latent weights' variance (as qmf phase --weights).
py::dict phase_result(const ActivationPtr& phi, const std::vector<double>& sw2,
                      const std::vector<double>& sb2, int threads, const std::string& weights) {
  validate_threads(threads);
  const WeightSpec spec = parse_weight_spec(weights);
  const WeightPrior unit_prior = weight_prior(spec, 1.0);
  // Per point: the library's record, five grids of doubles and a status string (a Python object).
  const double points = static_cast<double>(sw2.size()) * static_cast<double>(sb2.size());
  require_memory_within_limit(points * (sizeof(PhasePoint) + 5 * sizeof(double) + 64.0),
                              "sw2 and sb2 (a " + std::to_string(sb2.size()) + " x " +
                                  std::to_string(sw2.size()) + " grid)");
  const PhaseDiagram diagram = interruptible([&](const Interrupt& interrupt) {
    return phase_diagram(*phi, sw2, sb2, threads, {}, unit_prior, interrupt);
  });
  const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(sb2.size()),
                                       static_cast<py::ssize_t>(sw2.size())};
  py::array_t<double> q_star(shape), c_star(shape), chi_c(shape), chi_1(shape), xi_c(shape);
  py::list status;
  for (std::size_t k = 0; k < diagram.points.size(); ++k) {
    const auto& p = diagram.points[k];
    const double nan = std::nan("");
    q_star.mutable_data()[k] = p.has_values() ? p.q_star : nan;
    c_star.mutable_data()[k] = p.has_values() ? p.c_star : nan;
    chi_c.mutable_data()[k] = p.has_values() ? p.chi_c : nan;
    chi_1.mutable_data()[k] = p.has_values() ? p.chi_1 : nan;
    xi_c.mutable_data()[k] = p.has_values() ? p.xi_c : nan;
    status.append(std::string(to_string(p.status)));
  }
  py::dict out;
  out["q_star"] = q_star;
  out["c_star"] = c_star;
  out["chi_c"] = chi_c;
  out["chi_1"] = chi_1;
  out["xi_c"] = xi_c;
  out["status"] = status;
  out["weights"] = spec.text;
  out["sw2_effective_per_sw2"] = unit_prior.variance + unit_prior.per_example_noise;
  out["weight_noise_per_sw2"] = unit_prior.per_example_noise;
  return out;
}

py::dict critical_line_result(const ActivationPtr& phi, const std::vector<double>& sb2, int threads,
                              const std::string& weights) {
  validate_threads(threads);
  const WeightPrior unit_prior = weight_prior(parse_weight_spec(weights), 1.0);
  // As `qmf phase`: whether the length map from q0 = 1 (the grid's start)
  // reaches each point's q*, which with several stable q* it need not.
  std::vector<CriticalLinePoint> line;
  std::vector<bool> reached;
  interruptible([&](const Interrupt& interrupt) {
    line = critical_line(*phi, sb2, threads, unit_prior, interrupt);
    for (const auto& p : line) {
      interrupt.poll();
      reached.push_back(reaches_line_branch(p, phase_point_on_line(*phi, p, unit_prior)));
    }
  });
  py::dict out;
  out["sb2"] = column(line, &CriticalLinePoint::sb2, "sb2");
  out["sw2"] = column(line, &CriticalLinePoint::sw2, "sw2");
  out["xi_c"] = column(line, &CriticalLinePoint::xi_c, "xi_c");
  out["q_star"] = column(line, &CriticalLinePoint::q_star, "q_star");
  py::array_t<bool> from_q0(static_cast<py::ssize_t>(reached.size()));
  for (std::size_t k = 0; k < reached.size(); ++k) from_q0.mutable_at(k) = reached[k];
  out["from_q0"] = from_q0;
  return out;
}

}  // namespace

void bind_kernel(py::module_& m) {
  bind_kernel_state(m);
  bind_layers(m);
  m.def("maps", &maps_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"), py::arg("q0"),
        py::arg("c0"), py::arg("depth"), py::arg("weights"));
  m.def("iterate_maps", &iterate_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"),
        py::arg("q0"), py::arg("c0"), py::arg("depth"), py::arg("weights"));
  m.def("critical", &critical_result, py::arg("act"), py::arg("sb2"), py::arg("k"),
        py::arg("weights"));
  m.def("phase", &phase_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"), py::arg("threads"),
        py::arg("weights"));
  m.def("critical_line", &critical_line_result, py::arg("act"), py::arg("sb2"), py::arg("threads"),
        py::arg("weights"));
}

}  // namespace qmf::python
