#include "simulation/chi_square.hpp"

#include <cmath>
#include <stdexcept>

namespace qmf::simulation {

double chi_square(NormalGenerator& draw, double dof) {
  if (!(dof >= 2.0)) throw std::logic_error("chi_square needs dof >= 2");
  // Gamma(a), a = dof / 2 >= 1: d v^3 with v = 1 + x / sqrt(9 d), d = a - 1/3,
  // x normal, accepted when log u < x^2/2 + d (1 - v^3 + log v^3).
  const double d = 0.5 * dof - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, u = 0.0;
    draw.fill(&x, 1);
    const double root = 1.0 + c * x;
    if (root <= 0.0) continue;
    const double v = root * root * root;
    draw.fill_uniform(&u, 1);
    // The squeeze 1 - 0.0331 x^4 decides most draws without a logarithm.
    if (u < 1.0 - 0.0331 * (x * x) * (x * x) ||
        std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
      return 2.0 * d * v;
  }
}

}  // namespace qmf::simulation
