// The extension module _qmf: the qmf library seen from Python. The package
// qmf (python/qmf/__init__.py) re-exports and documents it.
#include <boost/math/policies/error_handling.hpp>
#include <cmath>
#include <stdexcept>

#include "bindings.hpp"
#include "numerics/format_number.hpp"
#include "qmf/errors.hpp"

namespace qmf::python {

double checked(double x, const std::string& what) {
  if (std::isnan(x)) throw numerical_error(what + " is not a number (NaN)");
  return x;
}

double finite(double x, const std::string& what) {
  if (std::isinf(x))
    throw numerical_error(what + " overflows the range of double precision (" +
                          (x > 0 ? "+inf" : "-inf") + ")");
  return checked(x, what);
}

double valid_variance(double q, const char* field) {
  if (!(std::isfinite(q) && q > 0.0))
    throw std::invalid_argument(std::string(field) + " must be a positive finite number (got " +
                                detail::format_number(q) + ")");
  return q;
}

double valid_correlation(double c) {
  if (!(c >= -1.0 && c <= 1.0))
    throw std::invalid_argument("c must lie in [-1, 1] (got " + detail::format_number(c) + ")");
  return c;
}

QuantizerFamily family_named(const std::string& family) {
  if (family == "uniform") return QuantizerFamily::uniform;
  if (family == "lloyd") return QuantizerFamily::lloyd_max;
  throw std::invalid_argument("family must be 'uniform' or 'lloyd' (got '" + family + "')");
}

void validate_threads(int threads) {
  // The program's bound (--threads, apps/qmf/cli/shared_options.hpp).
  if (threads < 1 || threads > 1024)
    throw std::invalid_argument("threads must be an integer in [1, 1024] (got " +
                                std::to_string(threads) + ")");
}

}  // namespace qmf::python

PYBIND11_MODULE(_qmf, m) {
  namespace py = pybind11;
  m.doc() = "The qmf C++ library (use the documented package `qmf` instead)";
  m.attr("__version__") = QMF_VERSION;  // the project's, as the CLI's "version"
  // A well-posed question without a numerical answer: the CLI's exit 3.
  static py::exception<qmf::numerical_error> numerical_error(m, "NumericalError",
                                                             PyExc_ArithmeticError);
  // Boost.Math reports an unbracketed root or a result out of range with these
  // std types; like the CLI (apps/qmf/main.cpp), they are numerical failures.
  // std::invalid_argument keeps pybind11's own mapping to ValueError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const qmf::numerical_error& e) {
      numerical_error(e.what());
    } catch (const boost::math::evaluation_error& e) {
      numerical_error(e.what());
    } catch (const boost::math::rounding_error& e) {
      numerical_error(e.what());
    } catch (const std::domain_error& e) {
      numerical_error(e.what());
    } catch (const std::overflow_error& e) {
      numerical_error(e.what());
    } catch (const std::underflow_error& e) {
      numerical_error(e.what());
    } catch (const std::range_error& e) {
      numerical_error(e.what());
    }
  });
  qmf::python::bind_activations(m);
  qmf::python::bind_kernel(m);
  qmf::python::bind_depth(m);
  qmf::python::bind_minimum_levels(m);
  qmf::python::bind_simulation(m);
  qmf::python::bind_kernels(m);
}
