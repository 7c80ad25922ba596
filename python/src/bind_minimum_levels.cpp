// n_min, the fewest activation levels reaching a depth: the --depth answer of
// `qmf lmax`, at sigma_b = 0 and for the fixed quantizer at sigma_b^2 > 0.
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "numerics/format_number.hpp"
#include "qmf/weights/minimum_levels.hpp"

namespace qmf::python {

namespace {

// {"N": n_min or None, "L": the depth it reaches or None, "L_max_sup": the
// bound per-example noise puts on L_max for every N at sigma_b = 0 (inf
// without it)}.
py::dict n_min_result(double depth, double k, const std::string& family_name,
                      const std::string& weights_spec, double sb2) {
  const QuantizerFamily family = family_named(family_name);
  if (!(sb2 >= 0.0 && std::isfinite(sb2)))
    throw std::invalid_argument("sb2 must be a non-negative finite number (got " +
                                detail::format_number(sb2) + ")");
  if (sb2 > 0.0 && family != QuantizerFamily::uniform)
    throw std::invalid_argument("sb2 > 0 is implemented for family 'uniform' only");
  const WeightSpec weights = parse_weight_spec(weights_spec);
  const auto found = interruptible([&](const Interrupt& interrupt) {
    return sb2 > 0.0 ? fixed_quantizer_minimum_levels(depth, k, sb2, weights,
                                                      max_searched_biased_levels, interrupt)
                     : minimum_levels(depth, k, family, weights, max_searched_levels, interrupt);
  });
  py::dict out;
  out["N"] = found ? py::object(py::int_(found->levels)) : py::object(py::none());
  out["L"] = found ? py::object(py::float_(finite(found->depth, "L"))) : py::object(py::none());
  out["L_max_sup"] = weight_depth_supremum(weights, k);
  return out;
}

}  // namespace

void bind_minimum_levels(py::module_& m) {
  m.def("n_min", &n_min_result, py::arg("depth"), py::arg("k"), py::arg("family"),
        py::arg("weights"), py::arg("sb2"));
}

}  // namespace qmf::python
