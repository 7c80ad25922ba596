#include "qmf/kernel/maps.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace qmf {

void validate(const Initialization& init) {
  if (!std::isfinite(init.sw2) || !(init.sw2 > 0.0))
    throw std::invalid_argument("--sw2 must be a positive finite number");
  if (!std::isfinite(init.sb2) || init.sb2 < 0.0)
    throw std::invalid_argument("--sb2 must be a non-negative finite number");
}

double length_map(const Activation& phi, const Initialization& init, double q) {
  return init.sw2 * phi.second_moment(q) + init.sb2;
}

double length_map_slope(const Activation& phi, const Initialization& init, double q) {
  return init.sw2 * phi.second_moment_slope(q);
}

double covariance_map(const Activation& phi, const Initialization& init, double q, double c) {
  return init.sw2 * phi.cross_moment(q, c) + init.sb2;
}

double correlation_map(const Activation& phi, const Initialization& init, double q, double c) {
  return covariance_map(phi, init, q, c) / length_map(phi, init, q);
}

double correlation_map_complement(const Activation& phi, const Initialization& init, double q,
                                  double c) {
  return init.sw2 * phi.cross_moment_deficit(q, c) / length_map(phi, init, q);
}

double correlation_map_slope(const Activation& phi, const Initialization& init, double q,
                             double c) {
  return init.sw2 * phi.cross_moment_slope(q, c) / length_map(phi, init, q);
}

double chi_1(const Activation& phi, const Initialization& init, double q) {
  return init.sw2 * phi.derivative_second_moment(q);
}

double depth_scale(double chi) {
  const double magnitude = std::fabs(chi);
  if (magnitude == 1.0) return std::numeric_limits<double>::infinity();
  return -1.0 / std::log(magnitude);
}

std::vector<LayerState> iterate_maps(const Activation& phi, const Initialization& init, double q0,
                                     double c0, int depth) {
  validate(init);
  if (depth < 0) throw std::invalid_argument("--depth must be a non-negative integer");
  if (!std::isfinite(q0) || !(q0 > 0.0))
    throw std::invalid_argument("--q0 must be a positive finite number");
  if (!(c0 >= -1.0 && c0 <= 1.0)) throw std::invalid_argument("--c0 must lie in [-1, 1]");
  std::vector<LayerState> layers;
  layers.reserve(static_cast<std::size_t>(depth) + 1);
  LayerState state{0, q0, c0};
  layers.push_back(state);
  for (int l = 1; l <= depth; ++l) {
    // Both inputs share the variance q, so c' = 1 - (1 - c') is taken from
    // the complement, accurate when c is close to 1.
    const double complement = correlation_map_complement(phi, init, state.q, state.c);
    state = {l, length_map(phi, init, state.q), 1.0 - complement};
    layers.push_back(state);
  }
  return layers;
}

}  // namespace qmf
