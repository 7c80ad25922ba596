// The infinite-width kernels of `qmf kernel`: the NNGP and NTK of a net with
// real (Gaussian) weights, and of the quasi network of binary weights rounded
// stochastically for every example (qmf/kernel/kernels.hpp,
// qmf/weights/quasi_network.hpp), on any cosines t, and the quasi network's
// layer states.
#include <pybind11/stl.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/numerics/memory_limit.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace qmf::python {

namespace {

using ActivationPtr = std::shared_ptr<Activation>;

// The quasi network of `weights`, or none for Gaussian weights (then `quasi`
// must stay "exact", its default, as in the CLI).
std::optional<QuasiNetwork> quasi_for(const std::string& weights, const std::string& quasi) {
  const WeightSpec spec = parse_weight_spec(weights);
  const QuasiVariance variance = parse_quasi_variance(quasi);
  if (spec.kind != WeightSpec::Kind::gaussian) return quasi_network(spec, variance);
  if (variance != QuasiVariance::exact)
    throw std::invalid_argument("quasi applies to weights with rounding=stochastic-per-example");
  return std::nullopt;
}

// The derivative kernel asked for, as `qmf kernel --derivative`; the quasi
// network's NTK has its own (the smoothed psi'), as in the CLI.
DerivativeKernel derivative_for(const Activation& phi, const Initialization& init, double q0,
                                const std::optional<QuasiNetwork>& net,
                                const std::string& derivative, std::optional<double> ste_slope,
                                std::optional<double> ste_clip) {
  const DerivativeKind kind = parse_derivative_kind(derivative);
  if (net && kind != DerivativeKind::true_derivative)
    throw std::invalid_argument("derivative must be true for the quasi network (got '" +
                                derivative + "'): its smoothed psi' is finite");
  return requested_derivative_kernel(phi, kind, init, q0, ste_slope, ste_clip);
}

py::dict kernel_result(const ActivationPtr& phi, double sw2, double sb2, int depth,
                       const std::vector<double>& t, double q0, const std::string& weights,
                       const std::string& quasi, const std::string& derivative_kind,
                       std::optional<double> ste_slope, std::optional<double> ste_clip) {
  const Initialization init{sw2, sb2};
  const std::optional<QuasiNetwork> net = quasi_for(weights, quasi);
  const DerivativeKernel derivative =
      derivative_for(*phi, init, q0, net, derivative_kind, ste_slope, ste_clip);
  const auto values = interruptible([&](const Interrupt& interrupt) {
    return net ? quasi_kernel_on_grid(*phi, init, q0, t, depth, *net, interrupt)
               : kernel_on_grid(*phi, init, q0, t, depth, derivative, interrupt);
  });
  py::dict out;
  out["network"] = net ? "quasi" : "gaussian-weights";
  out["nngp"] = column(values, &KernelValues::nngp, "nngp");
  out["ntk"] = column(values, &KernelValues::ntk, "ntk");
  out["derivative"] = to_string(derivative.kind());
  if (derivative.kind() == DerivativeKind::straight_through) {
    out["ste_slope"] = checked(derivative.surrogate().slope, "ste_slope");
    out["ste_clip"] = checked(derivative.surrogate().clip, "ste_clip");
  }
  return out;
}

py::dict quasi_states_result(const ActivationPtr& phi, double sw2, double sb2, int depth, double t,
                             double q0, const std::string& weights, const std::string& quasi) {
  const std::optional<QuasiNetwork> net = quasi_for(weights, quasi);
  if (!net) throw std::invalid_argument("weights must have rounding=stochastic-per-example");
  require_memory_within_limit(depth * (sizeof(QuasiState) + 4.0 * sizeof(double)), "depth");
  const auto states = interruptible([&](const Interrupt& interrupt) {
    return quasi_states(*phi, {sw2, sb2}, q0, t, depth, *net, interrupt);
  });
  py::dict out;
  out["q"] = column(states, &QuasiState::q, "q");
  out["k"] = column(states, &QuasiState::k, "k");
  out["k12"] = column(states, &QuasiState::k12, "k12");
  out["ntk12"] = column(states, &QuasiState::ntk12, "ntk12");
  out["theta_second_moment"] = net->weights.covariance;
  return out;
}

}  // namespace

void bind_kernels(py::module_& m) {
  m.def("kernel", &kernel_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"), py::arg("depth"),
        py::arg("t"), py::arg("q0"), py::arg("weights"), py::arg("quasi"), py::arg("derivative"),
        py::arg("ste_slope"), py::arg("ste_clip"));
  m.def("quasi_states", &quasi_states_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"),
        py::arg("depth"), py::arg("t"), py::arg("q0"), py::arg("weights"), py::arg("quasi"));
  // The CLI's --t-points grid, so that both print the same cosines to the bit.
  m.def(
      "cosine_grid",
      [](int t_points) {
        // The doubles, and the Python floats of the list they become.
        require_memory_within_limit(t_points * (sizeof(double) + 32.0), "t_points");
        return cosine_grid(t_points);
      },
      py::arg("t_points"));
}

}  // namespace qmf::python
