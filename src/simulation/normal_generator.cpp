#include "simulation/normal_generator.hpp"

#include <cmath>

namespace qmf::simulation {

namespace {

// Marsaglia and Tsang (2000), 256 layers: the tail starts at R, every layer
// has area V (for the unnormalised density).
constexpr double tail_start = 3.6541528853610088;
constexpr double layer_area = 0.00492867323399;

double density(double x) { return std::exp(-0.5 * x * x); }

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

ZigguratTables::ZigguratTables() {
  width[0] = layer_area / density(tail_start);  // the base strip of area V includes the tail
  width[1] = tail_start;
  for (int i = 2; i < layers; ++i)
    width[i] = std::sqrt(-2.0 * std::log(layer_area / width[i - 1] + density(width[i - 1])));
  width[layers] = 0.0;
  for (int i = 0; i < layers; ++i) {
    const double ratio = width[i + 1] / width[i];
    fast_squared[i] = ratio * ratio;
    fast_limit[i] = static_cast<std::int64_t>(std::ceil(std::ldexp(fast_squared[i], 46)));
    step[i] = std::ldexp(width[i], -23);
  }
  height[0] = 0.0;
  for (int i = 1; i <= layers; ++i) height[i] = density(width[i]);
  // On [a, b] = [x_(i+1), x_i] the density is convex where a >= 1 and concave
  // where b <= 1: its chord lies above it in the first case and below in the
  // second, and its tangent at the midpoint the other way round. A wedge
  // across 1 keeps the trivial bounds f(b) <= f <= f(a).
  for (int i = 1; i < layers; ++i) {
    const double a = width[i + 1], b = width[i];
    const double fa = density(a), fb = density(b);
    const double chord_slope = (fb - fa) / (b - a);
    const Line chord{fa - chord_slope * a, chord_slope};
    const double m = 0.5 * (a + b), fm = density(m);
    const Line tangent{fm * (1.0 + m * m), -m * fm};  // f(m) + f'(m) (t - m)
    if (a >= 1.0) {
      below[i] = tangent, above[i] = chord;
    } else if (b <= 1.0) {
      below[i] = chord, above[i] = tangent;
    } else {
      below[i] = {fb, 0.0}, above[i] = {fa, 0.0};
    }
  }
}

const ZigguratTables ziggurat_tables;

NormalGenerator::NormalGenerator(std::uint64_t seed, std::uint64_t net, std::uint64_t layer,
                                 Stream purpose) {
  // Hash the key one component at a time so that nearby keys give unrelated states.
  std::uint64_t mix = seed;
  for (const std::uint64_t part : {net, layer, static_cast<std::uint64_t>(purpose)})
    mix = splitmix64(mix) ^ part;
  for (auto& word : state_) word = splitmix64(mix);
}

void NormalGenerator::fill(double* out, long count) {
  // The state lives in locals (registers) on the fast path; the rare slow
  // path works on the members.
  std::uint64_t s0 = state_[0], s1 = state_[1], s2 = state_[2], s3 = state_[3];
  const auto& t = ziggurat_tables;
  auto place = [&](std::uint32_t word, double& slot) {
    const unsigned layer = word & 0xffu;
    const std::int64_t k = signed_index(word);
    if (k * k < t.fast_limit[layer]) {
      slot = static_cast<double>(k) * t.step[layer];
      return;
    }
    state_[0] = s0, state_[1] = s1, state_[2] = s2, state_[3] = s3;
    slot = finish_draw(candidate(word));
    s0 = state_[0], s1 = state_[1], s2 = state_[2], s3 = state_[3];
  };
  long i = 0;
  for (; i + 1 < count; i += 2) {
    const std::uint64_t bits = next_bits(s0, s1, s2, s3);
    place(static_cast<std::uint32_t>(bits), out[i]);
    place(static_cast<std::uint32_t>(bits >> 32), out[i + 1]);
  }
  if (i < count) place(static_cast<std::uint32_t>(next_bits(s0, s1, s2, s3)), out[i]);
  state_[0] = s0, state_[1] = s1, state_[2] = s2, state_[3] = s3;
}

void NormalGenerator::fill_uniform(double* out, long count) {
  std::uint64_t s0 = state_[0], s1 = state_[1], s2 = state_[2], s3 = state_[3];
  constexpr double scale = 0x1.0p-32;
  long i = 0;
  for (; i + 1 < count; i += 2) {
    const std::uint64_t bits = next_bits(s0, s1, s2, s3);
    out[i] = (static_cast<double>(bits & 0xffffffffull) + 0.5) * scale;
    out[i + 1] = (static_cast<double>(bits >> 32) + 0.5) * scale;
  }
  if (i < count)
    out[i] = (static_cast<double>(next_bits(s0, s1, s2, s3) & 0xffffffffull) + 0.5) * scale;
  state_[0] = s0, state_[1] = s1, state_[2] = s2, state_[3] = s3;
}

double NormalGenerator::finish_draw(Candidate c) {
  const auto& t = ziggurat_tables;
  for (;;) {
    double x = 0.0;
    if (accept_outside_core(c, x)) return x;
    c = candidate(static_cast<std::uint32_t>(next_bits()));
    if (c.u * c.u < t.fast_squared[c.layer]) return c.u * t.width[c.layer];
  }
}

bool NormalGenerator::accept_outside_core(Candidate c, double& x) {
  const auto& t = ziggurat_tables;
  if (c.layer == 0) {
    // Marsaglia's exact sampler of the tail |x| > R.
    double a = 0.0;
    double b = 0.0;
    do {
      a = -std::log(uniform_open()) / tail_start;
      b = -std::log(uniform_open());
    } while (2.0 * b < a * a);
    x = c.u < 0.0 ? -(tail_start + a) : tail_start + a;
    return true;
  }
  x = c.u * t.width[c.layer];
  const double y = t.height[c.layer] + uniform_open() * (t.height[c.layer + 1] - t.height[c.layer]);
  return under_density(c.layer, x, y);
}

bool under_density(unsigned layer, double x, double y) {
  // The lines and y are sums of a few rounded terms of size at most ~1, so
  // their rounding errors are below 1e-15: a margin of 2^-40 ~ 9e-13 leaves
  // only points the exact comparison might decide differently to exp().
  constexpr double margin = 0x1.0p-40;
  const auto& t = ziggurat_tables;
  const double abs_x = std::fabs(x);
  if (y < t.below[layer](abs_x) - margin) return true;
  if (y > t.above[layer](abs_x) + margin) return false;
  return y < density(x);
}

}  // namespace qmf::simulation
