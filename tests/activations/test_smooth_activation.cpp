// The generic quadrature route of smooth activations against closed forms and
// exact identities, including the deficit E[phi^2] - E[phi phi](c) as c -> 1.
#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "activations/hermite_series.hpp"
#include "qmf/activations/smooth_activation.hpp"
#include "qmf/numerics/gaussian.hpp"

namespace {

// erf with nothing but value() and derivative(): every moment goes through the
// generic quadrature, and qmf's closed-form Erf is the reference.
class QuadratureErf final : public qmf::SmoothActivation {
 public:
  [[nodiscard]] std::string spec() const override { return "erf by quadrature"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override { return std::erf(x); }
  [[nodiscard]] double derivative(double x) const override {
    return 2.0 / std::sqrt(3.14159265358979323846) * std::exp(-x * x);
  }
};

// hard-tanh with nothing but value(), derivative() and its kinks: the 2-D
// adaptive deficit that qmf's HardTanh replaced (by Price's theorem and
// Plackett's kernel of phi').
class AdaptiveHardTanh final : public qmf::SmoothActivation {
 public:
  [[nodiscard]] std::string spec() const override { return "hardtanh by quadrature"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double x) const override { return std::clamp(x, -1.0, 1.0); }
  [[nodiscard]] double derivative(double x) const override {
    return std::fabs(x) < 1.0 ? 1.0 : 0.0;
  }

 protected:
  [[nodiscard]] std::vector<double> kinks() const override { return {-1.0, 1.0}; }
};

const double variances[] = {0.01, 0.5, 3.0, 400.0};
const double distances_from_one[] = {1.9, 1.0, 0.3, 1e-3, 1e-6, 1e-9, 1e-12};

}  // namespace

TEST_CASE("generic quadrature matches erf's closed forms to 1e-12") {
  // The closed forms are accurate to a few ulps (the deficit's by its
  // cancellation-free arcsine difference); 1e-12 relative is qmf's promise for
  // its Gaussian expectations. q = 400 makes erf(sqrt(q) z) a step of width
  // 1/20, c = 1 - 1e-12 makes the deficit 1e-12 of the second moment.
  const QuadratureErf quadrature;
  const auto closed = qmf::make_activation("erf");
  for (double q : variances) {
    INFO("q = " << q);
    CHECK(quadrature.second_moment(q) == Approx(closed->second_moment(q)).epsilon(1e-12));
    CHECK(quadrature.second_moment_slope(q) ==
          Approx(closed->second_moment_slope(q)).epsilon(1e-12));
    CHECK(quadrature.derivative_second_moment(q) ==
          Approx(closed->derivative_second_moment(q)).epsilon(1e-12));
    for (double distance : distances_from_one) {
      const double c = 1.0 - distance;
      INFO("c = " << c);
      CHECK(quadrature.cross_moment(q, c) ==
            Approx(closed->cross_moment(q, c)).epsilon(1e-12).margin(1e-15));
      CHECK(quadrature.cross_moment_deficit(q, c) ==
            Approx(closed->cross_moment_deficit(q, c)).epsilon(1e-12));
      CHECK(quadrature.cross_moment_slope(q, c) ==
            Approx(closed->cross_moment_slope(q, c)).epsilon(1e-12));
    }
  }
}

TEST_CASE("generic quadrature resolves phi(sqrt(q) z) at very large q") {
  // At q = 1e9 erf(sqrt(q) z) turns over within |z| ~ 3e-5: a panel [0, 12]
  // has no node there, so without break points at the activation's own scale
  // the quadrature would return E[phi'^2] = 0 (and did for tanh: an ordered
  // phase reported at sw2 = 1e9). Same closed forms, same 1e-12.
  const QuadratureErf quadrature;
  const auto closed = qmf::make_activation("erf");
  for (double q : {1e5, 1e9}) {
    INFO("q = " << q);
    CHECK(quadrature.second_moment(q) == Approx(closed->second_moment(q)).epsilon(1e-12));
    CHECK(quadrature.derivative_second_moment(q) ==
          Approx(closed->derivative_second_moment(q)).epsilon(1e-12));
    for (double c : {0.0, 0.5, 1.0 - 1e-6}) {
      INFO("c = " << c);
      CHECK(quadrature.cross_moment_deficit(q, c) ==
            Approx(closed->cross_moment_deficit(q, c)).epsilon(1e-12));
      CHECK(quadrature.cross_moment_slope(q, c) ==
            Approx(closed->cross_moment_slope(q, c)).epsilon(1e-12));
    }
  }
}

TEST_CASE("hardtanh deficit is the integral of its exact slope (Price's theorem)") {
  // d/dc E[phi(u1) phi(u2)] = q P(|u1| < 1, |u2| < 1) is exact (Owen's T), so
  // E[phi^2] - E[phi phi](c) = integral from c to 1 of it: a one-dimensional
  // quadrature of an exact function, independent of the two-dimensional
  // one. The slope has a sqrt(1 - c) cusp at c = 1, so integrate in
  // t = sqrt(1 - c'), where it is smooth; 1e-11 relative leaves room for the
  // orthant probabilities' few-ulp errors.
  // Not at 1 - c = 1e-12: there the rounding of the nodes c' = 1 - t^2 moves
  // 1 - c' by 1e-4 relative and the reference itself scatters by ~1e-11.
  const auto hardtanh = qmf::make_activation("hardtanh");
  for (double q : variances) {
    for (double distance : {1.9, 1.0, 0.3, 1e-3, 1e-6, 1e-9}) {
      const double c = 1.0 - distance;
      const double t_end = std::sqrt(1.0 - c);
      // 40 Gauss-Legendre panels of 30 points: the integrand is analytic in t
      // on [0, t_end] but, at q = 400 (kinks at z = +-1/20), varies on the
      // scale 1/20; 40 panels reach rounding there (checked against 400).
      constexpr int panels = 40;
      double integral = 0.0;
      for (int panel = 0; panel < panels; ++panel) {
        integral += boost::math::quadrature::gauss<double, 30>::integrate(
            [&](double t) { return 2.0 * t * hardtanh->cross_moment_slope(q, 1.0 - t * t); },
            panel * t_end / panels, (panel + 1) * t_end / panels);
      }
      INFO("q = " << q << ", c = " << c);
      CHECK(hardtanh->cross_moment_deficit(q, c) == Approx(integral).epsilon(1e-11));
    }
  }
}

TEST_CASE("hardtanh deficit agrees with the 2-D adaptive route it replaced") {
  // Both routes are accurate to ~1e-13 relative (the adaptive one's
  // tolerance): 1e-12. Over q from 1e-4 (linear regime) to 1e6 (sign-like)
  // and 1 - c from 1 to 1e-12, where the two terms of the Price form trade
  // places.
  const auto hardtanh = qmf::make_activation("hardtanh");
  const AdaptiveHardTanh adaptive;
  for (double q : {1e-4, 0.01, 0.5, 1.0, 3.0, 400.0, 1e6}) {
    for (double distance : {1.0, 0.7, 0.3, 1e-2, 1e-4, 1e-6, 1e-9, 1e-12}) {
      const double c = 1.0 - distance;
      INFO("q = " << q << ", c = " << c);
      CHECK(hardtanh->cross_moment_deficit(q, c) ==
            Approx(adaptive.cross_moment_deficit(q, c)).epsilon(1e-12));
    }
  }
}

TEST_CASE("tanh: the deficit agrees with the difference of moments, and its c -> 1 limit") {
  // Where 1 - c is large the difference E[phi^2] - E[phi phi] loses nothing
  // (1e-13). As c -> 1, tanh being analytic, deficit / ((1 - c) q E[phi'^2])
  // = 1 - k (1 - c) + O((1 - c)^2): the shortfall from 1 must shrink by the
  // factor 1000 from 1 - c = 1e-6 to 1e-9. At 1e-9 the shortfall is about
  // 7e-11 (q = 0.3) to 2e-8 (q = 50), so holding the factor to 1% checks the
  // deficit to about 1e-12 relative where it is 1e-9 of the second moment.
  const auto tanh = qmf::make_activation("tanh");
  for (double q : {0.3, 2.0, 50.0}) {
    INFO("q = " << q);
    for (double c : {-0.9, 0.0, 0.5}) {
      CHECK(tanh->cross_moment_deficit(q, c) ==
            Approx(tanh->second_moment(q) - tanh->cross_moment(q, c)).epsilon(1e-13));
    }
    auto shortfall = [&](double c) {
      const double leading = (1.0 - c) * q * tanh->derivative_second_moment(q);
      return 1.0 - tanh->cross_moment_deficit(q, c) / leading;
    };
    const double close = 1.0 - 1e-6;
    const double closer = 1.0 - 1e-9;
    CHECK(shortfall(close) / shortfall(closer) ==
          Approx((1.0 - close) / (1.0 - closer)).epsilon(1e-2));
  }
}

TEST_CASE("the Hermite series reproduces the correlation integrals") {
  // detail::HermiteSeries sums Mehler's expansion from coefficients of a
  // trapezoidal rule and certifies them by Parseval against the 1-D adaptive
  // E[phi^2] and q E[phi'^2] (missing tails below 1e-12 of each). Here the
  // deficit and the slope it gives are compared with the 2-D adaptive rule
  // (tanh; tolerance 1e-14 relative each, so the routes may differ by ~1e-13:
  // 1e-12) and with erf's closed forms (the series of QuadratureErf, whose
  // value() is all it has), over the q of the phase diagrams (q* <= 10) and c
  // from 0 to 1 - 1e-6. Seen: <= 2.2e-13 (tanh at q = 10), <= 2e-15 (erf).
  const auto tanh = qmf::make_activation("tanh");
  const auto erf = qmf::make_activation("erf");
  const QuadratureErf erf_by_quadrature;
  for (double q : {0.01, 0.3, 1.0, 2.0, 4.5, 10.0}) {
    const qmf::detail::HermiteSeries tanh_series(*tanh, q);
    const qmf::detail::HermiteSeries erf_series(erf_by_quadrature, q);
    REQUIRE(tanh_series.certified());
    REQUIRE(erf_series.certified());
    for (double c : {0.0, 0.3, 0.7, 0.9, 0.99, 1.0 - 1e-6}) {
      INFO("q = " << q << ", c = " << c);
      CHECK(tanh_series.deficit(c) == Approx(tanh->cross_moment_deficit(q, c)).epsilon(1e-12));
      CHECK(tanh_series.slope(c) == Approx(tanh->cross_moment_slope(q, c)).epsilon(1e-12));
      CHECK(erf_series.deficit(c) == Approx(erf->cross_moment_deficit(q, c)).epsilon(1e-12));
      CHECK(erf_series.slope(c) == Approx(erf->cross_moment_slope(q, c)).epsilon(1e-12));
    }
  }
}

TEST_CASE("a Hermite series that cannot converge is not certified") {
  // relu's coefficients decay like n^(-5/4) (a kink): no affordable number of
  // terms passes the Parseval checks, and the caller integrates instead.
  const auto relu = qmf::make_activation("relu");
  CHECK_FALSE(qmf::detail::HermiteSeries(*relu, 1.0).certified());
}

TEST_CASE("silu, sigmoid and softplus keep a certified Hermite series to q = 250") {
  // Their nearest singularities lie at +-i pi, twice tanh's distance, so
  // their series need a quarter of tanh's terms at the same q (that q sets
  // where the 2-D quadrature takes over; with tanh's count it did from q ~ 67).
  // Against the 2-D adaptive rule as above (1e-12), for c in [-1/2, 1).
  for (const char* spec : {"silu", "sigmoid", "softplus"}) {
    const auto phi = qmf::make_activation(spec);
    for (double q : {100.0, 250.0}) {
      const qmf::detail::HermiteSeries series(*phi, q);
      INFO(spec << " at q = " << q);
      REQUIRE(series.certified());
      for (double c : {-0.5, 0.0, 0.6, 0.99}) {
        INFO("c = " << c);
        CHECK(series.cross(c) == Approx(phi->cross_moment(q, c)).epsilon(1e-12));
        if (c < 0.0) continue;  // deficit and slope are summed for c >= 0
        CHECK(series.deficit(c) == Approx(phi->cross_moment_deficit(q, c)).epsilon(1e-12));
        CHECK(series.slope(c) == Approx(phi->cross_moment_slope(q, c)).epsilon(1e-12));
      }
    }
  }
}
