// chi(D~) of the uniform N-level quantizer by the O(N^2) double sum of
// theory.md section 3, written as literally as possible: the independent
// route the O(N) prefix sums are tested and benchmarked against.
#pragma once

#include <algorithm>
#include <vector>

#include "qmf/numerics/gaussian.hpp"

namespace qmf::testing {

inline double naive_uniform_chi(int levels, double dtilde) {
  std::vector<double> t;
  for (int k = 1; k < levels; ++k) t.push_back(dtilde * (k - 0.5 * levels));
  double density = 0.0;
  for (double a : t) density += normal_pdf(a);
  double variance = 0.0;
  for (double a : t)
    for (double b : t) variance += normal_sf(std::max(a, b)) - normal_sf(a) * normal_sf(b);
  return density * density / variance;
}

}  // namespace qmf::testing
