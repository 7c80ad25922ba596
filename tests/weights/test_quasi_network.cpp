// The quasi network of binary weights rounded stochastically for every example
// (qmf/weights/quasi_network.hpp), against independent routes: the
// per-example rounding map of qmf/kernel/layers.hpp (exact identity), sign's
// closed forms with psi = erf(mu / sqrt(2 v)) and psi' integrated directly
// over the Gaussian mu, Monte Carlo over rounding draws of a wide net, and the
// tangent kernel of a finite quasi network written out by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "qmf/numerics/gaussian.hpp"
#include "qmf/weights/quasi_network.hpp"

using Catch::Matchers::Contains;
using qmf::QuasiVariance;

namespace {

constexpr double pi = 3.14159265358979323846;

qmf::QuasiNetwork binary_quasi(QuasiVariance variance = QuasiVariance::exact) {
  return qmf::quasi_network(qmf::parse_weight_spec("binary,rounding=stochastic-per-example"),
                            variance);
}

// Two inputs of dimension n with ||x||^2 / n = q0 and cosine t.
std::pair<std::vector<double>, std::vector<double>> input_pair(int n, double q0, double t,
                                                               std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  std::vector<double> a(n), b(n);
  for (int j = 0; j < n; ++j) a[j] = z(rng), b[j] = z(rng);
  double aa = 0, ab = 0;
  for (int j = 0; j < n; ++j) aa += a[j] * a[j], ab += a[j] * b[j];
  double bb = 0;
  for (int j = 0; j < n; ++j) b[j] -= ab / aa * a[j], bb += b[j] * b[j];
  std::vector<double> x1(n), x2(n);
  for (int j = 0; j < n; ++j) {
    x1[j] = std::sqrt(q0 * n / aa) * a[j];
    x2[j] = t * x1[j] + std::sqrt((1 - t * t) * q0 * n / bb) * b[j];
  }
  return {x1, x2};
}

// theta = clip(z, -1, 1): the latent Gaussian weight in units of its
// standard deviation, clipped to the binary grid (weight_spec.hpp).
std::vector<double> latent(std::size_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  std::vector<double> theta(count);
  for (auto& x : theta) x = std::clamp(z(rng), -1.0, 1.0);
  return theta;
}

struct Layer {
  int fan_in = 0, fan_out = 0;
  std::vector<double> theta;  // fan_out x fan_in
};

// One forward pass with every binary weight drawn afresh: P(Q = 1) = (1 + theta) / 2.
std::vector<double> rounded_forward(const std::vector<Layer>& net, const qmf::Activation& phi,
                                    double sw2, std::vector<double> x, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u;
  for (std::size_t l = 0; l < net.size(); ++l) {
    if (l > 0)
      for (auto& v : x) v = phi.value(v);
    const Layer& layer = net[l];
    std::vector<double> h(layer.fan_out, 0.0);
    for (int i = 0; i < layer.fan_out; ++i) {
      double sum = 0.0;
      for (int j = 0; j < layer.fan_in; ++j)
        sum += (2.0 * u(rng) < 1.0 + layer.theta[i * layer.fan_in + j] ? x[j] : -x[j]);
      h[i] = std::sqrt(sw2 / layer.fan_in) * sum;
    }
    x = std::move(h);
  }
  return x;
}

struct Mean {
  double sum = 0, squares = 0;
  long n = 0;
  void add(double x) { sum += x, squares += x * x, ++n; }
  double mean() const { return sum / n; }
  double error() const { return std::sqrt((squares / n - mean() * mean()) / n); }
};

}  // namespace

TEST_CASE("the exact quasi NNGP is the per-example rounding map's covariance at every depth") {
  const auto spec = qmf::parse_weight_spec("binary,rounding=stochastic-per-example");
  const qmf::Initialization init{1.3, 0.1, 0.0};
  const double q0 = 0.8;
  for (const char* act : {"sign", "quant:4", "relu", "tanh"}) {
    const auto phi = qmf::make_activation(act);
    const qmf::LayerMap map(*phi, qmf::Dense(qmf::weight_prior(spec, init.sw2), init.sb2));
    for (const double t : {-0.5, 0.3, 0.9, 1.0}) {
      const auto quasi = qmf::quasi_states(*phi, init, q0, t, 5, binary_quasi());
      qmf::KernelState state = map.dense()(qmf::KernelState::equal_norms(q0, t));
      for (const auto& layer : quasi) {
        INFO(act << " t=" << t << " layer q=" << layer.q);
        CHECK(layer.k12 == Approx(state.q12).epsilon(1e-12));
        CHECK(layer.q == Approx(state.q1).epsilon(1e-12));
        state = map(state);
      }
    }
  }
}

TEST_CASE("the composed quasi network differs from the exact one from the third layer on") {
  const auto phi = qmf::make_activation("sign");
  const qmf::Initialization init{1.0, 0.0, 0.0};
  const auto exact = qmf::quasi_states(*phi, init, 1.0, 0.5, 3, binary_quasi());
  const auto composed =
      qmf::quasi_states(*phi, init, 1.0, 0.5, 3, binary_quasi(QuasiVariance::composed));
  for (int l = 0; l < 2; ++l) CHECK(composed[l].k12 == Approx(exact[l].k12).epsilon(1e-14));
  CHECK(composed[1].q < exact[1].q);  // E[psi^2] < E[phi^2] = 1
  CHECK(composed[2].k12 != Approx(exact[2].k12).epsilon(1e-3));
}

// E[f(mu1) f(mu2)], (mu1, mu2) ~ N(0, [[k, k12], [k12, k]]), by the
// trapezoid rule on [-8, 8]^2 in standard normals: for smooth integrands with
// Gaussian tails it converges geometrically (error far below 1e-10 here).
template <class F>
double pair_expectation(F f, double k, double k12) {
  const int n = 801;
  const double h = 16.0 / (n - 1);
  const double c = k12 / k, s = std::sqrt(1 - c * c), r = std::sqrt(k);
  double sum = 0;
  for (int a = 0; a < n; ++a) {
    const double z1 = -8 + a * h;
    const double f1 = f(r * z1);
    for (int b = 0; b < n; ++b) {
      const double z2 = -8 + b * h;
      sum += qmf::normal_pdf(z1) * qmf::normal_pdf(z2) * f1 * f(r * (c * z1 + s * z2));
    }
  }
  return sum * h * h;
}

TEST_CASE("sign's quasi NTK at depth 2 matches psi = erf(mu / sqrt(2 v)) integrated directly") {
  const auto phi = qmf::make_activation("sign");
  const qmf::Initialization init{1.5, 0.2, 0.0};
  const auto net = binary_quasi();
  const double s = net.weights.covariance, q0 = 1.1;
  REQUIRE(s == Approx(0.5161).epsilon(1e-3));  // E[clip(z)^2]
  for (const double t : {-0.7, 0.2, 0.95, 1.0}) {
    const auto layers = qmf::quasi_states(*phi, init, q0, t, 2, net);
    const double k = layers[0].k, k12 = layers[0].k12, v = layers[0].q - k;
    REQUIRE(v == Approx(init.sw2 * (1 - s) * q0).epsilon(1e-14));
    const auto psi = [v](double mu) { return std::erf(mu / std::sqrt(2 * v)); };
    const auto psi_slope = [v](double mu) {
      return std::sqrt(2 / (pi * v)) * std::exp(-mu * mu / (2 * v));
    };
    const double theta1 = init.sw2 * q0 * t + init.sb2;
    const double nngp = init.sw2 * s * pair_expectation(psi, k, k12) + init.sb2;
    const double ntk = init.sw2 * pair_expectation(psi, k, k12) + init.sb2 +
                       init.sw2 * s * pair_expectation(psi_slope, k, k12) * theta1;
    INFO("t = " << t);
    CHECK(layers[1].k12 == Approx(nngp).epsilon(1e-9));
    CHECK(layers[1].ntk12 == Approx(ntk).epsilon(1e-9));
  }
}

TEST_CASE("sign's quasi kernels keep their relative digits as they vanish with depth") {
  // sb2 = 0: q = sw2 E[Q^2] at every layer, and with sign's E[phi(u1) phi(u2)]
  // = (2/pi) asin(c) the shared part K and each K12 shrink by about
  // s (2/pi) = 0.33 per layer, to ~1e-48 at depth 100: E[phi^2] - deficit
  // printed 0 from depth 40 (review P 1). The reference iterates the closed
  // forms in long double.
  const auto phi = qmf::make_activation("sign");
  const qmf::Initialization init{1.0, 0.0, 0.0};
  const auto net = binary_quasi();
  const long double a = net.weights.variance, s = net.weights.covariance;
  const std::vector<double> t = {-0.5, 0.5, 0.9};
  const int depth = 100;
  const auto values = qmf::quasi_kernel_on_grid(*phi, init, 1.0, t, depth, net);
  for (std::size_t i = 0; i < t.size(); ++i) {
    long double q = a, k12 = s * t[i], ntk = t[i];
    for (int l = 2; l <= depth; ++l) {
      const long double c = k12 / q;
      const long double pair = 2.0L / pi * std::asin(c);
      ntk = pair + s * (2.0L / (pi * std::sqrt(1.0L - c * c))) / q * ntk;
      k12 = s * pair;
      q = a;
    }
    INFO("t = " << t[i] << ", K12 = " << static_cast<double>(k12));
    CHECK(values[i].nngp == Approx(static_cast<double>(k12)).epsilon(1e-12));
    CHECK(values[i].ntk == Approx(static_cast<double>(ntk)).epsilon(1e-12));
  }
}

TEST_CASE("the quasi NNGP is the covariance of a wide net over rounding draws (Monte Carlo)") {
  // Depth 3, width 1000, binary weights redrawn for every forward pass. The
  // pair (x1, x2) at t = 0.5 and the same input twice (t = 1, independent
  // draws, whose covariance is K = q - v), and q itself. Products of the
  // output units are averaged over units and 3 nets; tolerance 5 standard
  // errors of that mean plus 3% for the O(n^-1/2) finite-width bias.
  const int n = 1000, depth = 3;
  const double sw2 = 1.2, q0 = 1.0;
  for (const char* act : {"sign", "relu"}) {
    const auto phi = qmf::make_activation(act);
    std::mt19937_64 rng(7);
    Mean pair, same, square;
    for (int net_index = 0; net_index < 3; ++net_index) {
      std::vector<Layer> net;
      for (int l = 0; l < depth; ++l) net.push_back({n, n, latent(std::size_t(n) * n, rng)});
      const auto [x1, x2] = input_pair(n, q0, 0.5, rng);
      const auto h1 = rounded_forward(net, *phi, sw2, x1, rng);
      const auto h1_again = rounded_forward(net, *phi, sw2, x1, rng);
      const auto h2 = rounded_forward(net, *phi, sw2, x2, rng);
      for (int i = 0; i < n; ++i) {
        pair.add(h1[i] * h2[i]);
        same.add(h1[i] * h1_again[i]);
        square.add(h1[i] * h1[i]);
      }
    }
    const qmf::Initialization init{sw2, 0.0, 0.0};
    const auto at_half = qmf::quasi_states(*phi, init, q0, 0.5, depth, binary_quasi()).back();
    const auto at_one = qmf::quasi_states(*phi, init, q0, 1.0, depth, binary_quasi()).back();
    INFO(act << ": pair " << pair.mean() << " vs " << at_half.k12 << ", same " << same.mean()
             << " vs " << at_one.k12 << ", square " << square.mean() << " vs " << at_one.q);
    CHECK(std::fabs(pair.mean() - at_half.k12) < 5 * pair.error() + 0.03 * at_one.q);
    CHECK(std::fabs(same.mean() - at_one.k12) < 5 * same.error() + 0.03 * at_one.q);
    CHECK(std::fabs(square.mean() - at_one.q) < 5 * square.error() + 0.03 * at_one.q);
  }
}

TEST_CASE("the quasi NTK is the tangent kernel of a wide finite quasi network (sign, depth 2)") {
  // f(x) = sqrt(sw2/n) sum_i theta2_i psi_i(x) + sb b2, psi_i = erf(mu_i / sqrt(2 v_i)),
  // mu_i = sqrt(sw2/n0) theta1_i . x + sb b1_i, v_i = sw2/n0 sum_j (1 - theta1_ij^2) x_j^2:
  // gradients in theta2, b2, b1 and theta1 (through mu and v) written out.
  // The kernel is an average over n hidden units: tolerance 5 standard errors
  // plus 2% for the fluctuation of v_i (n0^-1/2) entering at second order.
  const int n0 = 1000, n = 4000;
  const double sw2 = 1.4, sb2 = 0.3, q0 = 1.0;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z;
  const auto theta1 = latent(std::size_t(n) * n0, rng), theta2 = latent(n, rng);
  std::vector<double> b1(n);
  for (auto& b : b1) b = z(rng);
  const auto phi = qmf::make_activation("sign");
  for (const double t : {0.3, 1.0}) {
    const auto [x1, x2] = input_pair(n0, q0, t, rng);
    Mean term;
    for (int i = 0; i < n; ++i) {
      const double* w = &theta1[std::size_t(i) * n0];
      double mu[2] = {std::sqrt(sb2) * b1[i], std::sqrt(sb2) * b1[i]}, v[2] = {0, 0};
      const std::vector<double>* x[2] = {&x1, &x2};
      for (int e = 0; e < 2; ++e)
        for (int j = 0; j < n0; ++j) {
          mu[e] += std::sqrt(sw2 / n0) * w[j] * (*x[e])[j];
          v[e] += sw2 / n0 * (1 - w[j] * w[j]) * (*x[e])[j] * (*x[e])[j];
        }
      double psi[2], d_mu[2], d_v[2];
      for (int e = 0; e < 2; ++e) {
        psi[e] = std::erf(mu[e] / std::sqrt(2 * v[e]));
        d_mu[e] = std::sqrt(2 / (pi * v[e])) * std::exp(-mu[e] * mu[e] / (2 * v[e]));
        d_v[e] = -mu[e] / (2 * v[e]) * d_mu[e];
      }
      // sum_j dpsi(x1)/dtheta1_ij dpsi(x2)/dtheta1_ij
      double first = 0;
      for (int j = 0; j < n0; ++j) {
        double g[2];
        for (int e = 0; e < 2; ++e)
          g[e] = d_mu[e] * std::sqrt(sw2 / n0) * (*x[e])[j] -
                 d_v[e] * 2 * sw2 / n0 * w[j] * (*x[e])[j] * (*x[e])[j];
        first += g[0] * g[1];
      }
      const double back = sw2 * theta2[i] * theta2[i];  // (sqrt(sw2) theta2_i)^2
      term.add(sw2 * psi[0] * psi[1] + back * (first + sb2 * d_mu[0] * d_mu[1]));
    }
    const qmf::Initialization init{sw2, sb2, 0.0};
    const double ntk = qmf::quasi_states(*phi, init, q0, t, 2, binary_quasi()).back().ntk12;
    const double empirical = term.mean() + sb2;
    INFO("t = " << t << ": empirical " << empirical << " analytic " << ntk);
    CHECK(std::fabs(empirical - ntk) < 5 * term.error() + 0.02 * ntk);
  }
}

TEST_CASE("the quasi network rejects weights without per-example rounding and bad input") {
  const auto phi = qmf::make_activation("sign");
  CHECK_THROWS_WITH(qmf::quasi_network(qmf::parse_weight_spec("binary,rounding=stochastic")),
                    Contains("stochastic-per-example"));
  CHECK_THROWS_WITH(qmf::quasi_network(qmf::parse_weight_spec("gaussian")),
                    Contains("weights 'gaussian'"));
  CHECK_THROWS_WITH(qmf::parse_quasi_variance("mean"), Contains("quasi"));
  const std::vector<double> t{0.5, 1.5};
  CHECK_THROWS_WITH(qmf::quasi_kernel_on_grid(*phi, {1.0, 0.0, 0.0}, 1.0, t, 2, binary_quasi()),
                    Contains("t must lie"));
  CHECK_THROWS_WITH(qmf::quasi_kernel_on_grid(*phi, {1.0, 0.0, 0.1}, 1.0, {}, 2, binary_quasi()),
                    Contains("weight_noise"));
  CHECK_THROWS_WITH(qmf::quasi_kernel_on_grid(*phi, {1.0, 0.0, 0.0}, 1.0, {}, 0, binary_quasi()),
                    Contains("depth"));
}
