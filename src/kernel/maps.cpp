// The mean-field maps as the equal-norm components of one network layer
// (qmf/kernel/layers.hpp): Elementwise(phi) followed by Dense(sw2, sb2).
#include "qmf/kernel/maps.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "numerics/format_number.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/layers.hpp"

namespace qmf {

namespace {

void require(bool ok, const char* field, const char* rule, double value) {
  if (!ok)
    throw std::invalid_argument(std::string(field) + " must be " + rule + " (got " +
                                detail::format_number(value) + ")");
}

// The layer of the maps below, after their arguments are checked.
LayerMap checked_layer(const Activation& phi, const Initialization& init, double q) {
  validate(init);
  require(q >= 0.0, "q", "a non-negative number", q);
  return layer_map(phi, init);
}

LayerMap checked_layer(const Activation& phi, const Initialization& init, double q, double c) {
  validate(init);
  require(q > 0.0, "q", "a positive number", q);
  require(c >= -1.0 && c <= 1.0, "c", "in [-1, 1]", c);
  return layer_map(phi, init);
}

}  // namespace

LayerMap layer_map(const Activation& phi, const Initialization& init) {
  return {phi, Dense({init.sw2, init.weight_noise}, init.sb2)};
}

void validate(const Initialization& init) {
  Dense({init.sw2, init.weight_noise}, init.sb2).validate();
}

double length_map(const Activation& phi, const Initialization& init, double q) {
  return checked_layer(phi, init, q).length(q);
}

double length_map_slope(const Activation& phi, const Initialization& init, double q) {
  return checked_layer(phi, init, q).length_slope(q);
}

double covariance_map(const Activation& phi, const Initialization& init, double q, double c) {
  return checked_layer(phi, init, q, c).covariance(q, c);
}

double correlation_map(const Activation& phi, const Initialization& init, double q, double c) {
  const LayerMap map = checked_layer(phi, init, q, c);
  return map.covariance(q, c) / map.length(q);
}

double correlation_map_complement(const Activation& phi, const Initialization& init, double q,
                                  double c) {
  return checked_layer(phi, init, q, c).correlation_complement(q, c);
}

double correlation_map_slope(const Activation& phi, const Initialization& init, double q,
                             double c) {
  return checked_layer(phi, init, q, c).correlation_slope(q, c);
}

double chi_1(const Activation& phi, const Initialization& init, double q) {
  return checked_layer(phi, init, q).chi_1(q);
}

double depth_scale(double chi) {
  const double magnitude = std::fabs(chi);
  if (magnitude == 1.0) return std::numeric_limits<double>::infinity();
  return -1.0 / std::log(magnitude);
}

void validate_start(double q0, double c0, int depth) {
  require(depth >= 0, "depth", "a non-negative integer", depth);
  if (!std::isfinite(q0) || !(q0 > 0.0))
    throw std::invalid_argument("q0 must be a positive finite number (got " +
                                detail::format_number(q0) + ")");
  if (!(c0 >= -1.0 && c0 <= 1.0))
    throw std::invalid_argument("c0 must lie in [-1, 1] (got " + detail::format_number(c0) + ")");
}

std::vector<LayerState> iterate_maps(const Activation& phi, const Initialization& init, double q0,
                                     double c0, int depth, const Interrupt& interrupt) {
  validate(init);
  validate_start(q0, c0, depth);
  const LayerMap map = layer_map(phi, init);
  std::vector<LayerState> layers;
  layers.reserve(static_cast<std::size_t>(depth) + 1);
  LayerState state{0, q0, c0};
  layers.push_back(state);
  for (int l = 1; l <= depth; ++l) {
    interrupt.poll();
    // Both inputs share the variance q. Near c = 1, c' = 1 - (1 - c') is
    // taken from the complement, accurate there; near c = 0 (the chaotic
    // phase of an odd phi at sb2 = 0, where c decays to 0) from the
    // covariance, whose relative accuracy does not stop at ~1e-14 of q; near
    // c = -1, for an odd phi, from the reflection c'(c) = 2 sb2 / q' - c'(-c),
    // so that at sb2 = 0 an antipodal pair stays at -1 exactly, as one at 1
    // stays at 1 (both repel in the chaotic phase).
    const double next_q = map.length(state.q);
    const double next_c =
        std::fabs(state.c) <= 0.5 ? map.covariance(state.q, state.c) / next_q
        : state.c < 0.0 && phi.is_odd()
            ? map.correlation_complement(state.q, -state.c) - 1.0 + 2.0 * init.sb2 / next_q
            : 1.0 - map.correlation_complement(state.q, state.c);
    state = {l, next_q, next_c};
    layers.push_back(state);
  }
  return layers;
}

std::vector<KernelState> propagate(const LayerMap& map, const KernelState& input, int depth,
                                   const Interrupt& interrupt) {
  require(depth >= 0, "depth", "a non-negative integer", depth);
  input.validate();
  std::vector<KernelState> states{input};
  states.reserve(static_cast<std::size_t>(depth) + 1);
  for (int l = 1; l <= depth; ++l) {
    interrupt.poll();
    states.push_back(map(states.back()));
    const KernelState& s = states.back();
    for (const double x : {s.q1, s.q2, s.q12, s.gap, s.ntk1, s.ntk2, s.ntk12})
      if (!std::isfinite(x))
        throw numerical_error("the kernel leaves double precision at layer " + std::to_string(l) +
                              " (q1 = " + detail::format_number(s.q1) +
                              ", q12 = " + detail::format_number(s.q12) + ")");
  }
  return states;
}

}  // namespace qmf
