// The pieces of the _qmf extension module, one per library layer, and the
// conventions they share: NaN is never returned (it is a numerical failure),
// infinities are Python floats.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "qmf/depth/quantizer_depth.hpp"

namespace qmf::python {

namespace py = pybind11;

void bind_activations(py::module_& m);
void bind_kernel(py::module_& m);
void bind_depth(py::module_& m);
void bind_minimum_levels(py::module_& m);
void bind_simulation(py::module_& m);
void bind_kernels(py::module_& m);

/// x unchanged when it is a number or an infinity; throws qmf::numerical_error
/// naming `what` when it is NaN (the CLI's rule for its JSON).
double checked(double x, const std::string& what);

/// q unchanged; throws std::invalid_argument "FIELD must be a positive finite
/// number (got q)" unless it is one.
double valid_variance(double q, const char* field);
/// c unchanged; throws std::invalid_argument unless c lies in [-1, 1].
double valid_correlation(double c);

/// The activation family named "uniform" or "lloyd"; throws
/// std::invalid_argument naming family otherwise.
QuantizerFamily family_named(const std::string& family);

/// Throws std::invalid_argument "threads must be an integer in [1, 1024] (got n)" otherwise.
void validate_threads(int threads);

/// x unchanged when it is a finite number; throws qmf::numerical_error naming
/// `what` for NaN or an overflow to +-inf (the CLI's rule for a value that
/// has no infinite meaning: a kernel, a depth L = k xi).
double finite(double x, const std::string& what);

/// One field of every record as a NumPy column, each value passed through
/// `check` (checked, or finite where an infinity is an overflow).
template <class Record, class Value>
py::array_t<Value> column(const std::vector<Record>& records, Value Record::*field,
                          const std::string& what,
                          double (*check)(double, const std::string&) = checked) {
  py::array_t<Value> out(static_cast<py::ssize_t>(records.size()));
  for (std::size_t i = 0; i < records.size(); ++i)
    out.mutable_at(i) = static_cast<Value>(check(records[i].*field, what));
  return out;
}

}  // namespace qmf::python
