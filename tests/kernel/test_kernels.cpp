// Kernels of deep nets (qmf/kernel/kernels.hpp), the straight-through
// derivative kernel (qmf/kernel/derivative_kernel.hpp) and Mercer spectra on
// the sphere (qmf/kernel/mercer_spectrum.hpp), each against an independent
// route: closed forms, the Plackett orthant route, Monte Carlo, polynomial
// and exponential kernels with known Funk-Hecke eigenvalues.
#include <boost/math/special_functions/bessel.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <iomanip>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernel/grid_moments.hpp"
#include "kernel/pointwise_kernels.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"
#include "qmf/numerics/gaussian.hpp"

using Catch::Matchers::Contains;

namespace {

constexpr double pi = 3.14159265358979323846;

std::vector<double> normalised_nngp(const qmf::Activation& phi, qmf::Initialization init, int depth,
                                    const std::vector<double>& t) {
  const qmf::DerivativeKernel derivative(phi);
  const auto values = qmf::kernel_on_grid(phi, init, 1.0, t, depth, derivative);
  const double one = qmf::kernel_on_diagonal(phi, init, 1.0, depth, derivative).nngp;
  std::vector<double> rho;
  for (const auto& v : values) rho.push_back(v.nngp / one);
  return rho;
}

// The arc-cosine map of relu at sw2 = 2, sb2 = 0 (norms stay q0):
// rho' = (sqrt(1 - rho^2) + (pi - acos rho) rho) / pi.
double arccos_step(double rho) {
  return (std::sqrt(1.0 - rho * rho) + (pi - std::acos(rho)) * rho) / pi;
}

}  // namespace

TEST_CASE("sign's normalised NNGP after one activation is (2/pi) arcsin t, its true NTK adds 0") {
  const auto sign = qmf::make_activation("sign");
  const std::vector<double> t = {-1.0, -0.7, -0.2, 0.0, 0.3, 0.9, 0.999, 1.0};
  const qmf::DerivativeKernel derivative(*sign);
  const auto values = qmf::kernel_on_grid(*sign, {1.0, 0.0}, 1.0, t, 2, derivative);
  for (std::size_t i = 0; i < t.size(); ++i) {
    CHECK(values[i].nngp == Approx(2.0 / pi * std::asin(t[i])).margin(1e-13));
    CHECK(values[i].ntk == values[i].nngp);
  }
}

TEST_CASE("deep in sign's chaotic phase the NNGP keeps its relative digits as it vanishes") {
  // sw2 = 1, sb2 = 0: q stays 1 and c' = (2/pi) asin(c) falls like (2/pi)^l,
  // to 2e-20 at depth 100 from t = 0.5. q - gap would keep only digits of q
  // (it printed 1.1e-16 and 0 there); the true NTK equals the NNGP.
  const auto sign = qmf::make_activation("sign");
  const std::vector<double> t = {-0.5, 0.3, 0.5, 0.9};
  const int depth = 100;
  const qmf::DerivativeKernel derivative(*sign);
  const auto values = qmf::kernel_on_grid(*sign, {1.0, 0.0}, 1.0, t, depth, derivative);
  for (std::size_t i = 0; i < t.size(); ++i) {
    long double c = t[i];
    for (int l = 2; l <= depth; ++l) c = 2.0L / pi * std::asin(c);
    INFO("t = " << t[i] << ", c^L = " << static_cast<double>(c));
    CHECK(values[i].nngp == Approx(static_cast<double>(c)).epsilon(1e-12));
    CHECK(values[i].ntk == values[i].nngp);
  }
}

TEST_CASE("an antipodal pair of an odd activation stays antipodal in the chaotic phase") {
  // At sb2 = 0 an odd phi maps c = -1 to -1 exactly, as c = 1 to 1, though
  // both repel at sw2 = 4: E[phi^2] - deficit left ~1e-16 off -1, which grew
  // to K(-1) = -1.5e-5 (tanh) and -3e-16 (quant:16) instead of -K(1) at
  // depth 200. The reflection keeps them exact; K and Theta stay odd in t.
  const std::vector<double> t = {-1.0, -0.3, 0.0, 0.3, 1.0};
  for (const char* spec : {"tanh", "quant:16", "hardtanh", "erf", "lloyd:8"}) {
    const auto phi = qmf::make_activation(spec);
    REQUIRE(phi->is_odd());
    const qmf::DerivativeKernel derivative(*phi);
    const auto v = qmf::kernel_on_grid(*phi, {4.0, 0.0}, 1.0, t, 200, derivative);
    INFO(spec << ": K(-1) = " << v[0].nngp << ", K(1) = " << v[4].nngp);
    CHECK(v[0].nngp == Approx(-v[4].nngp).epsilon(1e-14));
    // The NTK's factors E[g g] at c = -1 and 1 differ in their last bits, over
    // 200 layers ~1e-14 (hard-tanh: 4e-14).
    CHECK(v[0].ntk == Approx(-v[4].ntk).epsilon(1e-12));
    CHECK(v[1].nngp == Approx(-v[3].nngp).epsilon(1e-10));
    CHECK(v[2].nngp == 0.0);
  }
  for (const char* spec :
       {"relu", "sigmoid", "qrelu:4", "steps:t=-1;0.5,y=-1;0;1", "steps:t=-1;1,y=-1;0;2"})
    CHECK_FALSE(qmf::make_activation(spec)->is_odd());
  CHECK(qmf::make_activation("sign")->is_odd());
  CHECK(qmf::make_activation("quant:5,A=2,D=0.3")->is_odd());
}

TEST_CASE("relu's NTK deep in the ordered phase keeps the cusp of its derivative kernel") {
  // sw2 = 1.5, sb2 = 0.1: c -> 1 with 1 - c ~ 0.75^l, far below an ulp at
  // depth 200. A deficit and a derivative kernel taken from cos(theta)
  // rounded to a double stalled theta near 1.5e-8, and (pi - theta) / (2 pi)
  // cost ~1e-9 per layer: Theta was 1.2e-8 low (review R 2). The reference
  // iterates the angle in long double. Leaky relu a x + b relu(x), b = 1 - a,
  // is a q (1 - c) = 2 a q sin^2(t/2) plus b^2 times relu's gap
  // q (2 pi sin^2(t/2) + t cos t - sin t) / (2 pi); its derivative kernel is
  // a + b^2 (pi - t) / (2 pi). (Leaky relu's deficit from the cosine left it
  // 1.5e-8 low.)
  const long double pl = 3.141592653589793238462643383279502884L;
  for (const double a : {0.0, 0.1}) {
    const auto phi = qmf::make_activation(a == 0.0 ? "relu" : "leaky_relu,a=0.1");
    const qmf::DerivativeKernel derivative(*phi);
    const double sw2 = 1.5, sb2 = 0.1;
    const auto value =
        qmf::kernel_on_grid(*phi, {sw2, sb2}, 1.0, std::vector<double>{0.5}, 200, derivative)
            .front();
    const long double b2 = (1.0L - a) * (1.0L - a), square = a + b2 / 2;  // E[phi^2] / q
    long double q = sw2 + sb2, t = pl / 3.0L, ntk = sw2 * 0.5L + sb2;
    for (int l = 2; l <= 200; ++l) {
      const long double h = std::sin(t / 2), bend = t < 1e-3L
                                                        ? -t * t * t / 3.0L * (1 - t * t / 10.0L)
                                                        : t * std::cos(t) - std::sin(t);
      const long double gap = sw2 * q * (2 * a * h * h + b2 * (2 * pl * h * h + bend) / (2 * pl));
      const long double next_q = sw2 * square * q + sb2;
      ntk = next_q - gap + sw2 * (a + b2 * (pl - t) / (2 * pl)) * ntk;
      t = 2 * std::asin(std::sqrt(gap / (2 * next_q)));
      q = next_q;
    }
    INFO(phi->spec() << std::setprecision(17) << ": Theta " << value.ntk << " against "
                     << static_cast<double>(ntk));
    CHECK(value.ntk == Approx(static_cast<double>(ntk)).epsilon(1e-13));
  }
}

TEST_CASE("relu's NNGP and NTK at depth L follow the arc-cosine closed forms") {
  const auto relu = qmf::make_activation("relu");
  const int depth = 6;
  const double q0 = 1.7;
  const std::vector<double> t = {-1.0, -0.5, 0.0, 0.4, 0.95, 1.0};
  const qmf::DerivativeKernel derivative(*relu);
  const auto values = qmf::kernel_on_grid(*relu, {2.0, 0.0}, q0, t, depth, derivative);
  for (std::size_t i = 0; i < t.size(); ++i) {
    // Theta^l = Sigma^l + 2 E[phi' phi'] Theta^(l-1), 2 E[phi' phi'] = 1 - acos(rho)/pi.
    // The first layer's norm is sw2 q0, which relu at sw2 = 2 keeps.
    const double q = 2.0 * q0;
    double rho = t[i], theta = q * t[i];
    for (int l = 2; l <= depth; ++l) {
      const double factor = 1.0 - std::acos(rho) / pi;
      rho = arccos_step(rho);
      theta = q * rho + factor * theta;
    }
    CHECK(values[i].nngp == Approx(q * rho).epsilon(1e-12).margin(1e-14));
    CHECK(values[i].ntk == Approx(theta).epsilon(1e-12).margin(1e-14));
  }
  const auto rho = normalised_nngp(*relu, {2.0, 0.0}, depth, t);
  CHECK(rho.back() == 1.0);
}

TEST_CASE("the STE rectangle probability agrees with the Plackett route and Monte Carlo") {
  // Plackett: the same inclusion-exclusion over an independent orthant routine.
  for (const double rho : {-0.999, -0.6, 0.0, 0.3, 0.95, 0.9999})
    for (const auto& [a, b] : {std::pair{0.3, 0.3}, std::pair{1.0, 2.5}, std::pair{4.0, 0.1}}) {
      const double plackett = qmf::bivariate_normal_upper_plackett(-a, -b, rho) -
                              qmf::bivariate_normal_upper_plackett(a, -b, rho) -
                              qmf::bivariate_normal_upper_plackett(-a, b, rho) +
                              qmf::bivariate_normal_upper_plackett(a, b, rho);
      CHECK(qmf::bivariate_normal_rectangle(a, b, rho) == Approx(plackett).margin(1e-12));
    }
  // Monte Carlo of E[g(u1) g(u2)] at unequal norms: 4e5 draws, tolerance 5
  // standard errors of the indicator mean (s^2 sqrt(p (1 - p) / N)).
  const auto quant = qmf::make_activation("quant:4");
  const qmf::StraightThrough g{1.3, 0.8};
  const qmf::DerivativeKernel ste(*quant, g);
  const double q1 = 0.7, q2 = 2.2, c = 0.45;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z;
  const int n = 400000;
  int hits = 0;
  for (int i = 0; i < n; ++i) {
    const double z1 = z(rng), z2 = c * z1 + std::sqrt(1.0 - c * c) * z(rng);
    hits += std::abs(std::sqrt(q1) * z1) <= g.clip && std::abs(std::sqrt(q2) * z2) <= g.clip;
  }
  const double p = double(hits) / n, s2 = g.slope * g.slope;
  CHECK(std::abs(ste.cross_moment(q1, q2, c) - s2 * p) < 5.0 * s2 * std::sqrt(p * (1 - p) / n));
  CHECK(ste.cross_moment(q1, q1, 1.0) == Approx(ste.second_moment(q1)).epsilon(1e-13));
}

TEST_CASE("the STE NTK of sign at depth 2 is Sigma^2 + sw2 s^2 P(|u1|, |u2| <= tau) Sigma^1") {
  const auto sign = qmf::make_activation("sign");
  const qmf::StraightThrough g{0.9, 1.2};
  const qmf::DerivativeKernel ste(*sign, g);
  const double sw2 = 1.3, sb2 = 0.1, q0 = 0.8, t = 0.35;
  const auto v = qmf::kernel_on_grid(*sign, {sw2, sb2}, q0, std::span(&t, 1), 2, ste).front();
  const double q1 = sw2 * q0 + sb2, q12 = sw2 * q0 * t + sb2, c = q12 / q1;
  const double a = g.clip / std::sqrt(q1);
  CHECK(v.nngp == Approx(sw2 * 2.0 / pi * std::asin(c) + sb2).epsilon(1e-13));
  const double rectangle = qmf::bivariate_normal_upper_plackett(-a, -a, c) -
                           2.0 * qmf::bivariate_normal_upper_plackett(a, -a, c) +
                           qmf::bivariate_normal_upper_plackett(a, a, c);
  CHECK(v.ntk == Approx(v.nngp + sw2 * g.slope * g.slope * rectangle * q12).epsilon(1e-11));
}

TEST_CASE("derivative kernels at an angle equal those at its cosine away from the cusp") {
  // The symmetric STE at an angle below 0.5 goes through hard-tanh's Plackett
  // integral at q / clip^2, relu and hard-tanh through their angle forms;
  // where the cosine keeps its digits (theta >= 1e-3) both routes agree to
  // the orthants' accuracy (5e-13 seen at q = 300, clip 0.3). At theta = 1e-6
  // the cosine route is the one off, by up to 2e-9.
  const auto quant = qmf::make_activation("quant:16");
  for (const double clip : {0.3, 1.0, 2.5}) {
    const qmf::DerivativeKernel ste(*quant, qmf::StraightThrough{1.3, clip});
    for (const double q : {0.01, 0.5, 7.0, 300.0})
      for (const double theta : {0.49, 0.3, 0.1, 1e-3}) {
        INFO("clip " << clip << ", q " << q << ", theta " << theta);
        CHECK(ste.cross_moment_at_angle(q, theta) ==
              Approx(ste.cross_moment(q, q, std::cos(theta))).epsilon(2e-12));
      }
  }
  for (const char* spec : {"relu", "hardtanh", "gelu", "elu", "leaky_relu,a=0.2"}) {
    const auto phi = qmf::make_activation(spec);
    for (const double theta : {2.0, 0.4, 0.1, 1e-3}) {
      INFO(spec << ", theta " << theta);
      CHECK(phi->derivative_cross_moment_at_angle(2.0, theta) ==
            Approx(phi->derivative_cross_moment(2.0, 2.0, std::cos(theta))).epsilon(1e-12));
      CHECK(phi->cross_moment_deficit_at_angle(2.0, theta) ==
            Approx(phi->cross_moment_deficit(2.0, std::cos(theta))).epsilon(1e-10));
    }
  }
}

TEST_CASE("the derivative kernel and the grid reject bad input, naming the field") {
  const auto tanh = qmf::make_activation("tanh");
  const auto sign = qmf::make_activation("sign");
  CHECK_THROWS_WITH(qmf::DerivativeKernel(*tanh, {1.0, 1.0}), Contains("step activations only"));
  CHECK_THROWS_WITH(qmf::DerivativeKernel(*sign, {1.0, -1.0}), Contains("ste_clip"));
  CHECK_THROWS_WITH(qmf::parse_derivative_kind("fake"), Contains("derivative must be"));
  const qmf::DerivativeKernel d(*sign);
  const std::vector<double> bad = {1.5};
  CHECK_THROWS_WITH(qmf::kernel_on_grid(*sign, {1.0, 0.0}, 1.0, bad, 2, d), Contains("t must"));
  CHECK_THROWS_WITH(qmf::kernel_on_grid(*sign, {1.0, 0.0}, 1.0, {}, 0, d), Contains("depth"));
  CHECK_THROWS_WITH(qmf::kernel_on_grid(*sign, {1.0, 0.0}, -1.0, {}, 2, d), Contains("q0"));
}

TEST_CASE("the sphere quadrature integrates the moments of t = x . y exactly") {
  for (const int dim : {3, 10, 784}) {
    const auto rule = qmf::sphere_quadrature(dim, 40);
    double mass = 0.0, second = 0.0, fourth = 0.0;
    for (std::size_t i = 0; i < rule.nodes.size(); ++i) {
      const double t2 = rule.nodes[i] * rule.nodes[i];
      mass += rule.weights[i];
      second += rule.weights[i] * t2;
      fourth += rule.weights[i] * t2 * t2;
    }
    CHECK(mass == Approx(1.0).epsilon(1e-13));
    CHECK(second == Approx(1.0 / dim).epsilon(1e-12));
    CHECK(fourth == Approx(3.0 / (dim * (dim + 2.0))).epsilon(1e-12));
  }
}

TEST_CASE("Funk-Hecke: t^j has eigenvalues only in degrees <= j of j's parity") {
  for (const int dim : {3, 50, 784}) {
    const qmf::DotProductKernel cube_plus_square = [](std::span<const double> t) {
      std::vector<double> k;
      for (const double x : t) k.push_back(x * x + x * x * x);
      return k;
    };
    const auto spectrum = qmf::mercer_spectrum(cube_plus_square, dim, 40);
    const auto& l = spectrum.eigenvalues;
    // t^2 = ((d - 1) P_2 + 1) / d, E[P_2^2] = 1 / N(d, 2); t^3 likewise in P_1, P_3.
    CHECK(l[0] == Approx(1.0 / dim).epsilon(1e-12));
    CHECK(l[1] == Approx(3.0 / (dim * (dim + 2.0))).epsilon(1e-12));
    CHECK(l[2] == Approx(2.0 / (dim * (dim + 2.0))).epsilon(1e-12));
    CHECK(l[3] > 0.0);
    // Zero up to rounding (~1e-16 of lambda_0 per node sum).
    for (int k = 4; k <= 40; ++k) CHECK(std::abs(l[k]) < 1e-13 * l[0]);
  }
}

TEST_CASE(
    "Funk-Hecke: exp(r t) has the Bessel eigenvalues Gamma(d/2) (2/r)^(d/2-1) I_(k+d/2-1)(r)") {
  for (const auto& [dim, r] : {std::pair{3, 2.0}, std::pair{20, 5.0}, std::pair{784, 400.0}}) {
    const qmf::DotProductKernel exponential = [r = r](std::span<const double> t) {
      std::vector<double> k;
      for (const double x : t) k.push_back(std::exp(r * x));
      return k;
    };
    const int degrees = 60;
    const auto spectrum = qmf::mercer_spectrum(exponential, dim, degrees);
    const double nu = dim / 2.0 - 1.0;
    const double i0 = boost::math::cyl_bessel_i(nu, r);
    for (int k = 0; k <= degrees; k += 5) {
      // The ratio lambda_k / lambda_0 = I_(k+nu)(r) / I_nu(r) avoids Gamma(d/2).
      const double expected = boost::math::cyl_bessel_i(nu + k, r) / i0;
      // Rounding leaves ~1e-16 absolute: relative 1e-9 above 1e-6, 1e-14 absolute below.
      CHECK(spectrum.eigenvalues[k] / spectrum.eigenvalues[0] ==
            Approx(expected).epsilon(expected > 1e-6 ? 1e-9 : 0.0).margin(1e-14));
    }
    // The last doubling's change is rounding for these entire kernels (exp(400 t)
    // spans e^800 across [-1, 1]): a few 1e-9 of the significant eigenvalues.
    CHECK(spectrum.relative_change < 1e-7);
    CHECK(spectrum.absolute_change < 1e-12);
  }
}

TEST_CASE("the spectrum of a step-activation kernel converges at d = 784 despite the cusp") {
  const auto sign = qmf::make_activation("sign");
  const qmf::DerivativeKernel derivative(*sign);
  const qmf::DotProductKernel nngp = [&](std::span<const double> t) {
    std::vector<double> k;
    for (const auto& v : qmf::kernel_on_grid(*sign, {1.0, 0.0}, 1.0, t, 3, derivative))
      k.push_back(v.nngp);
    return k;
  };
  const auto spectrum = qmf::mercer_spectrum(nngp, 784, 100);
  CHECK(spectrum.relative_change < 1e-8);
  // An odd kernel: even degrees vanish.
  CHECK(std::abs(spectrum.eigenvalues[2]) < 1e-14);
  CHECK(spectrum.eigenvalues[1] > spectrum.eigenvalues[3]);
  // The NNGP is positive semi-definite: an eigenvalue above its rounding
  // floor is positive, and the first odd degrees are resolved.
  for (int k = 0; k <= 100; ++k)
    if (std::abs(spectrum.eigenvalues[k]) > spectrum.floors[k])
      CHECK(spectrum.eigenvalues[k] > 0.0);
  for (const int k : {1, 3, 5, 7}) CHECK(spectrum.eigenvalues[k] > spectrum.floors[k]);
}

TEST_CASE("the decay fits recover an exponential and a power law") {
  std::vector<double> exponential(51), power(51);
  for (int k = 0; k <= 50; ++k) {
    exponential[k] = std::exp(-0.3 * k);
    power[k] = std::pow(k + (k == 0), -2.5);
  }
  const std::vector<double> zero(51, 0.0);
  const auto e = qmf::fit_decay(exponential, zero);
  CHECK(e.exponential.slope == Approx(-0.3).epsilon(1e-12));
  CHECK(e.exponential.r2 == Approx(1.0).epsilon(1e-12));
  const auto p = qmf::fit_decay(power, zero);
  CHECK(p.power.slope == Approx(-2.5).epsilon(1e-12));
  CHECK(p.degrees == 50);
}

TEST_CASE("Chebyshev deficits on many angles agree with the orthant sums angle by angle") {
  // Step activations at small and large q (thresholds far apart and close
  // together in units of sqrt(q)), 1000 angles on [0, pi]: the interpolant's
  // tail is cut at 1e-15 of its size, so 1e-13 of E[phi^2] is the bound.
  std::vector<double> angles(1000);
  for (std::size_t i = 0; i < angles.size(); ++i) angles[i] = pi * i / (angles.size() - 1);
  for (const char* act : {"sign", "quant:4", "quant:16", "lloyd:16", "steps:t=-0.3;0.5,y=0;1;3"}) {
    const auto phi = qmf::make_activation(act);
    for (const double q : {0.01, 0.3, 1.0, 7.0, 100.0}) {
      int points = 64;
      const auto fast = qmf::detail::cross_moment_deficits(*phi, q, angles, points);
      const auto slow = qmf::detail::cross_moment_deficits_pointwise(*phi, q, angles);
      double worst = 0.0;
      for (std::size_t i = 0; i < angles.size(); ++i)
        worst = std::max(worst, std::fabs(fast[i] - slow[i]));
      INFO(act << " q=" << q);
      // The orthant sums are accurate to ~1e-16 of the largest level squared.
      CHECK(worst <= 1e-13 * phi->bound() * phi->bound());
    }
  }
}

TEST_CASE("the layer-by-layer grid route agrees with one cosine at a time through the layers") {
  // 64 cosines take the Chebyshev route for step activations; tanh's
  // quadratures are slow, so it gets 5 cosines (its grid route is pointwise).
  for (const char* act : {"sign", "quant:16", "relu", "tanh"}) {
    const auto phi = qmf::make_activation(act);
    const auto t = qmf::cosine_grid(phi->is_step() ? 64 : 5);
    const qmf::Initialization init{std::string(act) == "relu" ? 1.9 : 1.3, 0.07};
    for (const bool ste : {false, true}) {
      if (ste && !phi->is_step()) continue;
      const auto derivative =
          ste ? qmf::DerivativeKernel(*phi, {0.8, 1.0}) : qmf::DerivativeKernel(*phi);
      for (const int depth : {1, 2, phi->is_step() ? 25 : 3}) {
        const auto grid = qmf::kernel_on_grid(*phi, init, 0.9, t, depth, derivative);
        const auto one = qmf::testing::pointwise_kernel(*phi, init, 0.9, 1.0, depth, derivative);
        for (std::size_t i = 0; i < t.size(); ++i) {
          const auto ref = qmf::testing::pointwise_kernel(*phi, init, 0.9, t[i], depth, derivative);
          INFO(act << (ste ? " ste" : "") << " depth " << depth << " t=" << t[i]);
          CHECK(grid[i].nngp == Approx(ref.nngp).margin(1e-11 * one.nngp));
          CHECK(grid[i].ntk == Approx(ref.ntk).margin(1e-11 * one.ntk));
        }
      }
    }
  }
}
