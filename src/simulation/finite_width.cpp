#include "qmf/simulation/finite_width.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "qmf/activations/step_activation.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"
#include "simulation/net_inputs.hpp"
#include "simulation/normal_generator.hpp"

namespace qmf {

namespace {

// E[phi(sqrt(q) z)^power z^(2 k)], z ~ N(0, 1), split at a step
// activation's thresholds: across a jump the adaptive rule converged to ~1e-6
// only (quant:16's Var[phi^2] at one layer; found by an independent
// recomputation on 30 Nov).
double moment(const Activation& phi, double q, int power, int k) {
  std::vector<double> breaks;
  if (const auto* step = dynamic_cast<const StepActivation*>(&phi))
    for (const double t : step->thresholds()) breaks.push_back(t / std::sqrt(q));
  return gaussian_expectation(
      [&](double z) { return std::pow(phi.value(std::sqrt(q) * z), power) * std::pow(z, 2 * k); },
      breaks);
}

// V'(q) = sw2 dE[phi^2]/dq and V''(q) by a central difference of it (a
// relative step of 1e-4: truncation ~1e-8, rounding ~1e-12, far below what
// a leading-order prediction needs).
double curvature(const Activation& phi, const Initialization& init, double q) {
  const double h = 1e-4 * q;
  return (layer_map(phi, init).length_slope(q + h) - layer_map(phi, init).length_slope(q - h)) /
         (2.0 * h);
}

// One estimate of the union of groups of sizes[g] samples with the given
// means and standard errors: the pooled sum of squares is every group's own
// plus its mean's distance from the pooled mean.
Estimate pool(const std::vector<Estimate>& groups, const std::vector<int>& sizes) {
  double total = 0.0, sum = 0.0;
  for (std::size_t g = 0; g < groups.size(); ++g)
    total += sizes[g], sum += sizes[g] * groups[g].mean;
  const double mean = sum / total;
  double squares = 0.0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double n = sizes[g], se = groups[g].se, offset = groups[g].mean - mean;
    squares += (n - 1.0) * n * se * se + n * offset * offset;
  }
  return {mean, std::sqrt(squares / (total - 1.0) / total)};
}

// A splitmix64 step `key` increments away from `seed`.
std::uint64_t splitmix_step(std::uint64_t seed, std::uint64_t key) {
  std::uint64_t z = seed + key * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Batch g's seed (batch 0: the given one, so one batch is simulate_networks).
std::uint64_t batch_seed(std::uint64_t seed, int batch) {
  return batch == 0 ? seed : splitmix_step(seed, static_cast<std::uint64_t>(batch));
}

}  // namespace

// Keyed in the upper half of the step counts, apart from the batches' 1, 2, ...
std::uint64_t width_seed(std::uint64_t seed, int width) {
  return splitmix_step(seed, (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(width));
}

BatchedSimulation simulate_in_batches(const Activation& phi, const SimulationSettings& s,
                                      int batches, const SimulationProgress& progress) {
  if (batches < 1 || batches > s.nets / 2)
    throw std::invalid_argument(
        "batches must be from 1 to nets / 2 = " + std::to_string(s.nets / 2) +
        " (two nets per batch; got " + std::to_string(batches) + ")");
  BatchedSimulation out;
  int done = 0;
  for (int g = 0; g < batches; ++g) {
    SimulationSettings batch = s;
    batch.nets = s.nets / batches + (g < s.nets % batches ? 1 : 0);
    batch.seed = batch_seed(s.seed, g);
    out.batches.push_back(simulate_networks(phi, batch, [&](int finished, int) {
      if (progress) progress(done + finished, s.nets);
    }));
    out.sizes.push_back(batch.nets);
    done += batch.nets;
  }
  out.pooled = out.batches[0];
  if (batches == 1) return out;
  for (int l = 0; l <= s.depth; ++l) {
    auto pooled = [&](auto field) {
      std::vector<Estimate> groups;
      for (const auto& b : out.batches) groups.push_back(field(b[l]));
      return pool(groups, out.sizes);
    };
    auto& layer = out.pooled[l];
    layer.q = pooled([](const SimulatedLayer& x) { return x.q; });
    for (std::size_t p = 0; p < layer.c.size(); ++p)
      layer.c[p] = pooled([p](const SimulatedLayer& x) { return x.c[p]; });
    if (s.backward) layer.grad = pooled([](const SimulatedLayer& x) { return x.grad; });
  }
  return out;
}

std::vector<LengthCorrection> length_corrections(const Activation& phi, const Initialization& init,
                                                 double q0, int depth) {
  std::vector<double> q{q0};
  for (int l = 0; l < depth; ++l) q.push_back(layer_map(phi, init).length(q.back()));
  std::vector<LengthCorrection> out(depth + 1);
  if (depth < 1) return out;
  // Layer 1: a coordinate x of a uniform point on the sphere of radius
  // sqrt(n q0) has density N(x; 0, q0) (1 + (3u/2 - u^2/4 - 3/4)/n + ...),
  // u = x^2/q0; the mean of phi(x)^2 over the n coordinates has the variance of
  // a Gaussian sample with the squared length's direction projected out.
  const double m2 = moment(phi, q0, 2, 0);
  const double sw2 = init.sw2;
  out[1].bias = sw2 * (1.5 * moment(phi, q0, 2, 1) - 0.25 * moment(phi, q0, 2, 2) - 0.75 * m2);
  const double covariance_with_u = moment(phi, q0, 2, 1) - m2;
  out[1].variance =
      sw2 * sw2 * (moment(phi, q0, 4, 0) - m2 * m2 - 0.5 * covariance_with_u * covariance_with_u);
  for (int l = 1; l < depth; ++l) {
    const double v1 = layer_map(phi, init).length_slope(q[l]);
    const double m = moment(phi, q[l], 2, 0);
    out[l + 1].bias = v1 * out[l].bias + 0.5 * curvature(phi, init, q[l]) * out[l].variance;
    out[l + 1].variance = v1 * v1 * out[l].variance + sw2 * sw2 * (moment(phi, q[l], 4, 0) - m * m);
  }
  return out;
}

std::vector<Estimate> length_chain(const Activation& phi, const SimulationSettings& s) {
  validate(s);
  const int n = s.width;
  std::vector<std::vector<double>> v(s.depth + 1, std::vector<double>(s.nets));
  Eigen::VectorXd z(n);
#pragma omp parallel for num_threads(s.threads) schedule(dynamic, 1) firstprivate(z)
  for (int r = 0; r < s.nets; ++r) {
    Eigen::VectorXd x = simulation::input_pre_activations(s, r).col(0);
    v[0][r] = x.squaredNorm() / n;
    for (int l = 1; l <= s.depth; ++l) {
      const double length =
          s.init.sw2 * x.unaryExpr([&](double u) { return phi.value(u); }).squaredNorm() / n +
          s.init.sb2;
      v[l][r] = length;
      simulation::NormalGenerator(s.seed, r, l, simulation::Stream::chain).fill(z.data(), n);
      x = std::sqrt(length) * z;
    }
  }
  std::vector<Estimate> out;
  for (const auto& layer : v) {
    const double mean = Eigen::Map<const Eigen::VectorXd>(layer.data(), s.nets).mean();
    double squares = 0.0;
    for (const double x : layer) squares += (x - mean) * (x - mean);
    out.push_back({mean, std::sqrt(squares / (s.nets - 1.0) / s.nets)});
  }
  return out;
}

InverseWidthFit fit_inverse_width(std::span<const double> widths, std::span<const double> y,
                                  std::span<const double> se) {
  const auto count = static_cast<Eigen::Index>(widths.size());
  if (count < 3 || y.size() != widths.size() || se.size() != widths.size())
    throw std::invalid_argument("widths: a 1/n fit needs at least three widths");
  // Exact values at every width (se = 0 throughout: the length chain of an
  // activation whose phi^2 is constant, e.g. sign) are fitted with equal
  // weights, and the fit has no error.
  const bool exact = std::all_of(se.begin(), se.end(), [](double e) { return e == 0.0; });
  Eigen::MatrixXd x(count, 2);
  Eigen::VectorXd b(count);
  for (Eigen::Index i = 0; i < count; ++i) {
    if (!exact && !(se[i] > 0.0))
      throw std::invalid_argument("se: a 1/n fit needs positive errors, or zero at every width");
    const double weight = exact ? 1.0 : 1.0 / se[i];
    const double inverse = 1.0 / widths[i];
    x.row(i) << inverse * weight, inverse * inverse * weight;
    b[i] = y[i] * weight;
  }
  const Eigen::Matrix2d normal = x.transpose() * x;
  const Eigen::Vector2d coefficients = normal.ldlt().solve(x.transpose() * b);
  if (exact) return {coefficients[0], 0.0, coefficients[1], 0.0};
  const Eigen::Matrix2d covariance = normal.inverse();
  const double chi2 = (x * coefficients - b).squaredNorm();
  return {coefficients[0], std::sqrt(covariance(0, 0)), coefficients[1],
          count > 2 ? chi2 / static_cast<double>(count - 2) : 0.0};
}

}  // namespace qmf
