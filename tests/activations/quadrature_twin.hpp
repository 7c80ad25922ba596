// An activation's value() and derivative() with nothing else: every Gaussian
// moment then comes from SmoothActivation's generic quadrature, the
// independent route against which closed forms are tested.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "qmf/activations/smooth_activation.hpp"

namespace qmf::testing {

class QuadratureTwin final : public SmoothActivation {
 public:
  QuadratureTwin(const Activation& phi, std::vector<double> kinks)
      : phi_(phi), kinks_(std::move(kinks)) {}
  [[nodiscard]] std::string spec() const override { return phi_.spec() + " by quadrature"; }
  [[nodiscard]] double bound() const override { return phi_.bound(); }
  [[nodiscard]] double value(double x) const override { return phi_.value(x); }
  [[nodiscard]] double derivative(double x) const override { return phi_.derivative(x); }

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return kinks_; }

 private:
  const Activation& phi_;
  std::vector<double> kinks_;
};

/// The one-dimensional moments of `closed` against its twin's quadrature at
/// q: 1e-12 relative, qmf's promise for its Gaussian expectations; the Stein
/// slope, a ratio of two quadratures, to 1e-9.
inline void check_moments(const Activation& closed, const QuadratureTwin& twin, double q) {
  INFO(closed.spec() << " at q = " << q);
  CHECK(closed.mean(q) == Approx(twin.mean(q)).epsilon(1e-12));
  CHECK(closed.second_moment(q) == Approx(twin.second_moment(q)).epsilon(1e-12));
  CHECK(closed.second_moment_slope(q) == Approx(twin.second_moment_slope(q)).epsilon(1e-12));
  CHECK(closed.derivative_second_moment(q) ==
        Approx(twin.derivative_second_moment(q)).epsilon(1e-12));
  CHECK(closed.input_moment(q) == Approx(twin.input_moment(q)).epsilon(1e-12));
  CHECK(closed.stein_log_slope(q) == Approx(twin.stein_log_slope(q)).epsilon(1e-9));
}

/// The correlation integrals of `closed` against its twin's quadrature at
/// (q, c), relative to `tolerance` (`deficit_tolerance` for the deficit).
/// E[phi(u1) phi(u2)] may vanish (E[phi]^2 at c = 0), so it also passes
/// within 1e-15 q.
inline void check_correlation_integrals(const Activation& closed, const QuadratureTwin& twin,
                                        double q, double c, double tolerance,
                                        double deficit_tolerance) {
  INFO(closed.spec() << " at q = " << q << ", c = " << c);
  CHECK(closed.cross_moment(q, c) ==
        Approx(twin.cross_moment(q, c)).epsilon(tolerance).margin(1e-15 * q));
  CHECK(closed.cross_moment_deficit(q, c) ==
        Approx(twin.cross_moment_deficit(q, c)).epsilon(deficit_tolerance));
  CHECK(closed.cross_moment_slope(q, c) ==
        Approx(twin.cross_moment_slope(q, c)).epsilon(tolerance));
  CHECK(closed.cross_moment_unequal(q, 2.0 * q, c) ==
        Approx(twin.cross_moment_unequal(q, 2.0 * q, c)).epsilon(tolerance).margin(1e-15 * q));
  CHECK(closed.derivative_cross_moment(q, 2.0 * q, c) ==
        Approx(twin.derivative_cross_moment(q, 2.0 * q, c)).epsilon(tolerance));
}

}  // namespace qmf::testing
