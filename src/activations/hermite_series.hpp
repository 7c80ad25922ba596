// The Hermite (Mehler) expansion of a smooth activation's Gaussian kernel at
// one input variance q (library-internal).
//
// With phi(sqrt(q) z) = sum_n a_n He_n(z) / sqrt(n!) (z standard normal),
// Mehler's formula gives E[phi(u1) phi(u2)] = sum_n a_n^2 c^n for a pair of
// variance q and correlation c: every correlation integral of the map
// becomes a sum over one set of coefficients, computed once per q by a 1-D
// rule, instead of a 2-D adaptive quadrature per (q, c).
#pragma once

#include <vector>

#include "qmf/activations/activation.hpp"

namespace qmf::detail {

class HermiteSeries {
 public:
  /// The coefficients a_n of phi at variance q. certified() says whether they
  /// passed both Parseval checks; otherwise the sums below must not be used.
  HermiteSeries(const Activation& phi, double q);

  [[nodiscard]] bool certified() const { return certified_; }
  /// E[phi^2] - E[phi(u1) phi(u2)] = sum_{n >= 1} a_n^2 (1 - c^n), c in [0, 1].
  [[nodiscard]] double deficit(double c) const;
  /// E[phi(u1) phi(u2)] = sum_n a_n^2 c^n, c in [-1, 1]: relative accuracy as
  /// c -> 0, where E[phi^2] - deficit(c) would keep only an absolute one.
  [[nodiscard]] double cross(double c) const;
  /// d/dc E[phi(u1) phi(u2)] = sum_{n >= 1} n a_n^2 c^(n-1), c in [0, 1].
  [[nodiscard]] double slope(double c) const;

 private:
  bool compute(const Activation& phi, double q, double step, int terms);
  std::vector<double> squares_;  // a_n^2, n = 0, 1, ...
  bool certified_ = false;
};

}  // namespace qmf::detail
