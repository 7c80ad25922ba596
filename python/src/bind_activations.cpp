// qmf.Activation: an activation seen through its Gaussian moments, each
// method vectorised over NumPy arrays with broadcasting.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "bindings.hpp"
#include "qmf/activations/activation.hpp"

namespace qmf::python {

namespace {

// A moment E[f(u)] of u ~ N(0, q), checked on the way in and out. (phi is a
// pointer: pybind11 2.10 cannot vectorise beside a const reference argument.)
template <double (Activation::*moment)(double) const>
double of_variance(const Activation* phi, double q) {
  return checked((phi->*moment)(valid_variance(q, "q")), "the moment");
}

// A moment of a pair with variance q and correlation c.
template <double (Activation::*moment)(double, double) const>
double of_pair(const Activation* phi, double q, double c) {
  return checked((phi->*moment)(valid_variance(q, "q"), valid_correlation(c)), "the moment");
}

template <double (Activation::*moment)(double, double, double) const>
double of_unequal_pair(const Activation* phi, double q1, double q2, double c) {
  return checked(
      (phi->*moment)(valid_variance(q1, "q1"), valid_variance(q2, "q2"), valid_correlation(c)),
      "the moment");
}

// phi(x) or phi'(x). A NaN input is refused: a step activation would map it
// to one of its levels (every threshold comparison is false), silently.
template <double (Activation::*f)(double) const>
double of_input(const Activation* phi, double x) {
  if (std::isnan(x)) throw py::value_error("x must be a number or +-inf (got nan)");
  return checked((phi->*f)(x), "phi");
}

}  // namespace

void bind_activations(py::module_& m) {
  py::class_<Activation, std::shared_ptr<Activation>>(
      m, "Activation",
      "An activation phi, seen through the Gaussian moments the mean field needs.\n"
      "Create one with qmf.activation(spec). Methods take floats or NumPy arrays\n"
      "(broadcast together) and return a float or an array.")
      .def_property_readonly("spec", &Activation::spec,
                             "canonical spec string, e.g. 'quant:16,A=1,D=0.13333333333333333'")
      .def_property_readonly("is_step", &Activation::is_step,
                             "True for piecewise-constant activations (chi_1 = inf)")
      .def_property_readonly("is_odd", &Activation::is_odd,
                             "True when phi(-x) = -phi(x) (the kernels are then odd in t)")
      .def_property_readonly("bound", &Activation::bound, "sup |phi(x)|; inf when unbounded")
      .def("__repr__", [](const Activation& phi) { return "qmf.activation('" + phi.spec() + "')"; })
      .def("value", py::vectorize(of_input<&Activation::value>), py::arg("x"), "phi(x)")
      .def("derivative", py::vectorize(of_input<&Activation::derivative>), py::arg("x"),
           "phi'(x) pointwise (0 away from the jumps of a step activation)")
      .def("mean", py::vectorize(of_variance<&Activation::mean>), py::arg("q"),
           "E[phi(u)], u ~ N(0, q), q > 0")
      .def("second_moment", py::vectorize(of_variance<&Activation::second_moment>), py::arg("q"),
           "E[phi(u)^2], u ~ N(0, q)")
      .def("second_moment_slope", py::vectorize(of_variance<&Activation::second_moment_slope>),
           py::arg("q"), "d/dq E[phi(u)^2]")
      .def("derivative_second_moment",
           py::vectorize(of_variance<&Activation::derivative_second_moment>), py::arg("q"),
           "E[phi'(u)^2]; inf for step activations, whose phi' is the sum of\n"
           "deltas at the jumps (chi_1 = sw2 E[phi'^2] = inf, as the CLI reports)")
      .def("input_moment", py::vectorize(of_variance<&Activation::input_moment>), py::arg("q"),
           "E[u phi(u)] = q E[phi'(u)] (Stein's lemma)")
      .def("cross_moment", py::vectorize(of_pair<&Activation::cross_moment>), py::arg("q"),
           py::arg("c"), "E[phi(u1) phi(u2)] for Var u1 = Var u2 = q and correlation c in [-1, 1]")
      .def("cross_moment_deficit", py::vectorize(of_pair<&Activation::cross_moment_deficit>),
           py::arg("q"), py::arg("c"),
           "E[phi(u)^2] - E[phi(u1) phi(u2)] = E[(phi(u1) - phi(u2))^2] / 2, without\n"
           "cancellation as c -> 1")
      .def("cross_moment_slope", py::vectorize(of_pair<&Activation::cross_moment_slope>),
           py::arg("q"), py::arg("c"),
           "d/dc E[phi(u1) phi(u2)]; for step activations it diverges like (1 - c)^(-1/2)")
      .def("cross_moment_unequal",
           py::vectorize(of_unequal_pair<&Activation::cross_moment_unequal>), py::arg("q1"),
           py::arg("q2"), py::arg("c"), "E[phi(u1) phi(u2)] for variances q1, q2 and correlation c")
      .def("derivative_cross_moment",
           py::vectorize(of_unequal_pair<&Activation::derivative_cross_moment>), py::arg("q1"),
           py::arg("q2"), py::arg("c"),
           "E[phi'(u1) phi'(u2)], by Price's theorem d/dc E[phi(u1) phi(u2)] / sqrt(q1 q2).\n"
           "Step activations: phi' as the deltas at the jumps, as derivative_second_moment;\n"
           "finite for |c| < 1, inf at c = 1 with q1 = q2. (The NTK with derivative=\"true\"\n"
           "takes phi' = 0 almost everywhere instead: qmf.kernel.)");

  m.def(
      "activation",
      [](const std::string& spec) { return std::shared_ptr<Activation>(make_activation(spec)); },
      py::arg("spec"));
}

}  // namespace qmf::python
