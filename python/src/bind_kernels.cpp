// The infinite-width kernels of `qmf kernel`: the NNGP and NTK of a net with
// real (Gaussian) weights, and of the quasi network of binary weights rounded
// stochastically for every example (qmf/kernel/kernels.hpp,
// qmf/weights/quasi_network.hpp), on any cosines t, their Mercer spectra on
// the sphere (qmf/kernel/kernel_spectra.hpp), and the quasi network's layer
// states.
#include <pybind11/stl.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "qmf/kernel/kernel_spectra.hpp"
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

// The net of `qmf kernel`: Gaussian weights with a derivative kernel, or the
// quasi network of per-example rounding. Keeps its activation alive.
struct KernelNet {
  ActivationPtr phi;
  Initialization init;
  double q0;
  int depth;
  std::optional<QuasiNetwork> quasi;
  DerivativeKernel derivative;

  KernelNet(ActivationPtr activation, double sw2, double sb2, int layers, double q0_,
            const std::string& weights, const std::string& quasi_variance,
            const std::string& derivative_kind, std::optional<double> ste_slope,
            std::optional<double> ste_clip)
      : phi(std::move(activation)),
        init{sw2, sb2},
        q0(q0_),
        depth(layers),
        quasi(quasi_for(weights, quasi_variance)),
        derivative(derivative_for(*phi, init, q0, quasi, derivative_kind, ste_slope, ste_clip)) {}

  // The NNGP and NTK on any cosines, polling `interrupt` at every layer.
  [[nodiscard]] KernelSource source(const Interrupt& interrupt) const {
    return [this, &interrupt](std::span<const double> t) {
      return quasi ? quasi_kernel_on_grid(*phi, init, q0, t, depth, *quasi, interrupt)
                   : kernel_on_grid(*phi, init, q0, t, depth, derivative, interrupt);
    };
  }

  // network, derivative and the STE's slope and clip, as the CLI prints them.
  void describe(py::dict& out) const {
    out["network"] = quasi ? "quasi" : "gaussian-weights";
    out["derivative"] = to_string(derivative.kind());
    if (derivative.kind() == DerivativeKind::straight_through) {
      out["ste_slope"] = checked(derivative.surrogate().slope, "ste_slope");
      out["ste_clip"] = checked(derivative.surrogate().clip, "ste_clip");
    }
  }
};

py::dict kernel_result(const ActivationPtr& phi, double sw2, double sb2, int depth,
                       const std::vector<double>& t, double q0, const std::string& weights,
                       const std::string& quasi, const std::string& derivative,
                       std::optional<double> ste_slope, std::optional<double> ste_clip) {
  const KernelNet net(phi, sw2, sb2, depth, q0, weights, quasi, derivative, ste_slope, ste_clip);
  const auto values =
      interruptible([&](const Interrupt& interrupt) { return net.source(interrupt)(t); });
  py::dict out;
  net.describe(out);
  out["nngp"] = column(values, &KernelValues::nngp, "nngp", finite);
  out["ntk"] = column(values, &KernelValues::ntk, "ntk", finite);
  return out;
}

// One kernel's spectrum with the keys of `qmf kernel --eigen --json`.
py::object spectrum_dict(const FittedSpectrum& fitted) {
  const MercerSpectrum& s = fitted.spectrum;
  py::dict out;
  out["nodes"] = s.nodes;
  out["relative_change"] = checked(s.relative_change, "relative_change");
  out["absolute_change"] = checked(s.absolute_change, "absolute_change");
  out["eigenvalues"] = py::array_t<double>(py::ssize_t(s.eigenvalues.size()), s.eigenvalues.data());
  out["floors"] = py::array_t<double>(py::ssize_t(s.floors.size()), s.floors.data());
  const auto fit = [](const LineFit& line) {
    py::dict d;
    d["slope"] = checked(line.slope, "fit slope");
    d["r2"] = checked(line.r2, "fit r2");
    return d;
  };
  out["exponential"] = py::none();
  out["power"] = py::none();
  if (fitted.fits) {
    out["fit_degrees"] = fitted.fits->degrees;
    out["fit_last_degree"] = fitted.fits->last_degree;
    out["exponential"] = fit(fitted.fits->exponential);
    out["power"] = fit(fitted.fits->power);
  }
  return out;
}

py::object reference_dict(const std::optional<ReferenceSpectrum>& reference) {
  if (!reference) return py::none();
  py::dict out = spectrum_dict(reference->fitted);
  out["bandwidth"] = reference->bandwidth;
  return out;
}

py::dict spectrum_result(const ActivationPtr& phi, double sw2, double sb2, int depth, int dim,
                         int degrees, double q0, const std::string& weights,
                         const std::string& quasi, const std::string& derivative,
                         std::optional<double> ste_slope, std::optional<double> ste_clip) {
  const KernelNet net(phi, sw2, sb2, depth, q0, weights, quasi, derivative, ste_slope, ste_clip);
  const NetworkSpectra spectra = interruptible([&](const Interrupt& interrupt) {
    return network_spectra(net.source(interrupt), dim, degrees);
  });
  py::dict out;
  net.describe(out);
  out["nngp"] = spectrum_dict(spectra.nngp);
  out["ntk"] = spectrum_dict(spectra.ntk);
  out["matched_value_at_half"] = checked(spectra.matched_value_at_half, "matched value");
  out["gaussian"] = reference_dict(spectra.gaussian);
  out["laplace"] = reference_dict(spectra.laplace);
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
  m.def("kernel_spectrum", &spectrum_result, py::arg("act"), py::arg("sw2"), py::arg("sb2"),
        py::arg("depth"), py::arg("dim"), py::arg("degrees"), py::arg("q0"), py::arg("weights"),
        py::arg("quasi"), py::arg("derivative"), py::arg("ste_slope"), py::arg("ste_clip"));
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
