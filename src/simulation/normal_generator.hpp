// Standard normal numbers for the simulated networks: xoshiro256++ bits turned
// into Gaussians by Marsaglia and Tsang's ziggurat (exact, ~99% of draws cost
// one table look-up and one multiply). Drawing the weights is the cost of a
// simulated layer, so each 64-bit draw feeds two candidates of 32 bits: 8 bits
// pick the layer, 24 give a signed uniform (resolution 2^-23 of the layer's
// width, far below any statistical effect the simulation can resolve). It draws
// 6.7x faster than GSL's gsl_ran_gaussian_ziggurat over MT19937 (597 vs 90
// million draws per second, tests/bench/bench_libraries), which is why the
// sampler is hand-written.
//
// Every random quantity of a net comes from its own stream, keyed by
// (seed, net, layer, purpose): a layer's weights can be drawn again, bit for
// bit, in the backward pass instead of being stored, and no stream depends on
// which thread runs which net.
#pragma once

#include <array>
#include <cstdint>

namespace qmf::simulation {

/// The ziggurat's 256 layers of equal area under exp(-x^2/2).
struct ZigguratTables {
  static constexpr int layers = 256;
  std::array<double, layers + 1> width{};  // x_i, from the base strip's x_0 down to x_256 = 0
  std::array<double, layers>
      fast_squared{};  // (x_(i+1)/x_i)^2: u^2 below it lies under the density
  /// The fast path in integers: with u = k 2^-23 for the candidate's 24-bit k,
  /// u^2 < fast_squared[i] exactly when k^2 < fast_limit[i] = ceil(fast_squared[i] 2^46),
  /// and u x_i = k step[i] with step[i] = x_i 2^-23 (both products round alike).
  std::array<std::int64_t, layers> fast_limit{};
  std::array<double, layers> step{};
  std::array<double, layers + 1> height{};  // exp(-x_i^2/2) (0 for the base strip)
  /// Lines below and above the density on each layer's wedge, |x| in
  /// [x_(i+1), x_i]: a point under `below` lies under the density, one over
  /// `above` does not, and only the rest need exp() (wedge_decision).
  struct Line {
    double at_zero = 0.0;
    double slope = 0.0;
    [[nodiscard]] double operator()(double t) const { return at_zero + slope * t; }
  };
  std::array<Line, layers> below{}, above{};
  ZigguratTables();
};
extern const ZigguratTables ziggurat_tables;

/// What a stream is used for; part of its key.
enum class Stream : std::uint64_t {
  weights = 1,
  biases = 2,
  inputs = 3,
  output_gradient = 4,
  shuffle = 5,        // the order of the training examples in an epoch (training/)
  perturbation = 6,   // random weight perturbations of the sharpness (training/)
  rounding = 7,       // the uniforms of stochastic weight rounding (simulation/dense_layer)
  gram_forward = 8,   // a Gram layer's pre-activations (gram_layer.hpp)
  gram_backward = 9,  // a Gram layer's W^T D given its forward pass
  chain = 10,         // the one-dimensional length chain (finite_width.hpp)
  cell_backward = 11  // a layer's cell sums of the backward draws (cell_network.hpp)
};

/// Whether the point (x, y) of layer `layer`'s wedge lies under the density,
/// y < exp(-x^2/2): decided by the squeeze lines where y is further than 2^-40
/// from them (so that rounding cannot change the answer) and by exp()
/// otherwise, hence always the answer of the exp() comparison itself.
bool under_density(unsigned layer, double x, double y);

class NormalGenerator {
 public:
  NormalGenerator(std::uint64_t seed, std::uint64_t net, std::uint64_t layer, Stream purpose);

  /// Fills out[0..count) with N(0, 1) draws.
  void fill(double* out, long count);

  /// Fills out[0..count) with U(0, 1) draws of 32-bit resolution, two per
  /// 64-bit draw: (k + 1/2) 2^-32 for uniform k, never 0 or 1.
  void fill_uniform(double* out, long count);

  /// Fills out[0..count) with raw 64-bit draws of the stream.
  void fill_bits(std::uint64_t* out, long count) {
    std::uint64_t s0 = state_[0], s1 = state_[1], s2 = state_[2], s3 = state_[3];
    for (long i = 0; i < count; ++i) out[i] = next_bits(s0, s1, s2, s3);
    state_[0] = s0, state_[1] = s1, state_[2] = s2, state_[3] = s3;
  }

  /// One N(0, 1) draw.
  double operator()() {
    double x = 0.0;
    fill(&x, 1);
    return x;
  }

 private:
  static std::uint64_t next_bits(std::uint64_t& s0, std::uint64_t& s1, std::uint64_t& s2,
                                 std::uint64_t& s3) {
    const std::uint64_t result = rotate_left(s0 + s3, 23) + s0;
    const std::uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotate_left(s3, 45);
    return result;
  }
  std::uint64_t next_bits() { return next_bits(state_[0], state_[1], state_[2], state_[3]); }
  static std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double uniform_open() { return (static_cast<double>(next_bits() >> 11) + 0.5) * 0x1.0p-53; }

  /// The rare draws outside a layer's core rectangle: the tail beyond x_1
  /// (always accepted) or a wedge (accepted with the right probability).
  struct Candidate {
    unsigned layer;
    double u;  // in [-1, 1)
  };
  static std::int32_t signed_index(std::uint32_t word) {
    return static_cast<std::int32_t>(word) >> 8;
  }
  static Candidate candidate(std::uint32_t word) {
    return {word & 0xffu, static_cast<double>(signed_index(word)) * 0x1.0p-23};
  }
  bool accept_outside_core(Candidate c, double& x);
  /// Completes a draw whose fast path failed, drawing afresh after a rejection.
  double finish_draw(Candidate c);

  std::uint64_t state_[4];
};

}  // namespace qmf::simulation
