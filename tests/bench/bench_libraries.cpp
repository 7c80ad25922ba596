// qmf's hand-written numerical kernels against GSL's in the same run: the
// ziggurat normal sampler (draws per second) and the adaptive Gauss-Kronrod
// Gaussian expectation (time and error against a closed form). The project
// uses GSL where it is the better tool; these two pieces stay hand-written
// only as long as this benchmark shows them ahead.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "cpu_time.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"
#include "simulation/normal_generator.hpp"

namespace {

constexpr long draws = 20'000'000;
constexpr double pi = 3.14159265358979323846;

void compare_samplers() {
  std::vector<double> out(static_cast<std::size_t>(draws));
  double checksum = 0.0;
  const double qmf_seconds = qmf::bench::best_cpu_seconds(3, [&] {
    qmf::simulation::NormalGenerator normal(1, 0, 0, qmf::simulation::Stream::weights);
    normal.fill(out.data(), draws);
    checksum += out[draws / 2];
  });
  gsl_rng* rng = gsl_rng_alloc(gsl_rng_mt19937);
  const double gsl_seconds = qmf::bench::best_cpu_seconds(3, [&] {
    for (long i = 0; i < draws; ++i)
      out[static_cast<std::size_t>(i)] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    checksum += out[draws / 2];
  });
  gsl_rng_free(rng);
  std::printf(
      "normal draws: qmf ziggurat (xoshiro256++) %.1f M/s, GSL ziggurat (MT19937) %.1f M/s,"
      " ratio %.2f  [checksum %.3g]\n",
      draws / qmf_seconds * 1e-6, draws / gsl_seconds * 1e-6, gsl_seconds / qmf_seconds, checksum);
}

// E[tanh(sqrt(q) z)^2] has no closed form; E[erf(sqrt(q) z)^2] =
// (2/pi) asin(2q / (1 + 2q)) does, and is as steep at large q.
struct ErfSquare {
  double root_q;
  double operator()(double z) const {
    const double e = std::erf(root_q * z);
    return e * e;
  }
};

double gsl_integrand(double z, void* params) {
  const auto& f = *static_cast<const ErfSquare*>(params);
  return f(z) * std::exp(-0.5 * z * z) / std::sqrt(2.0 * pi);
}

void compare_quadrature(double q) {
  const ErfSquare f{std::sqrt(q)};
  const double exact = 2.0 / pi * std::asin(2.0 * q / (1.0 + 2.0 * q));
  constexpr int repeats = 2000;
  double qmf_value = 0.0;
  const double qmf_seconds = qmf::bench::best_cpu_seconds(3, [&] {
    for (int r = 0; r < repeats; ++r) qmf_value = qmf::gaussian_expectation(f, {});
  });
  gsl_integration_workspace* workspace = gsl_integration_workspace_alloc(1000);
  gsl_function function{&gsl_integrand, const_cast<ErfSquare*>(&f)};
  double gsl_value = 0.0;
  double gsl_error = 0.0;
  int status = 0;
  const double gsl_seconds = qmf::bench::best_cpu_seconds(3, [&] {
    for (int r = 0; r < repeats; ++r)
      status = gsl_integration_qagi(&function, 0.0, 1e-13, 1000, workspace, &gsl_value, &gsl_error);
  });
  gsl_integration_workspace_free(workspace);
  std::printf(
      "E[erf(sqrt(q) z)^2], q = %g: qmf %.2f us, rel. error %.1e; GSL qagi %.2f us, rel. "
      "error %.1e (status %d); time ratio GSL/qmf %.2f\n",
      q, qmf_seconds / repeats * 1e6, std::fabs(qmf_value / exact - 1.0),
      gsl_seconds / repeats * 1e6, std::fabs(gsl_value / exact - 1.0), status,
      gsl_seconds / qmf_seconds);
}

}  // namespace

int main() {
  gsl_set_error_handler_off();
  compare_samplers();
  for (const double q : {0.5, 20.0, 400.0}) compare_quadrature(q);
  return 0;
}
