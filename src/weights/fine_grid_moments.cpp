#include "weights/fine_grid_moments.hpp"

#include "qmf/numerics/gaussian.hpp"

namespace qmf::detail {

namespace {

// The probabilists' Hermite polynomials: pdf'''(x) = -He3(x) pdf(x),
// pdf^(5)(x) = -He5(x) pdf(x).
double hermite3(double x) { return (x * x - 3.0) * x; }
double hermite5(double x) { return ((x * x - 10.0) * x * x + 15.0) * x; }

}  // namespace

// Var(Q | z) = D^2 f(z / D), f(t) = frac(t) (1 - frac(t)) = 1/6 - sum_k
// cos(2 pi k t) / (pi k)^2. With w = 2 pi k / D (w L a multiple of 2 pi),
// integrating by parts twice and twice again gives
// int_{-L}^{L} cos(w z) pdf(z) dz = -2 L p / w^2 + 2 He3(L) p / w^4 - ...,
// and sum_k 1/k^4 = pi^4/90, sum_k 1/k^6 = pi^6/945 give the coefficients.
double fine_grid_rounding_variance(double top, double spacing) {
  const double p = normal_pdf(top);
  const double d2 = spacing * spacing;
  return d2 * (normal_interval(-top, top) / 6.0 +
               d2 * (top * p / 180.0 - d2 * hermite3(top) * p / 7560.0));
}

// Inside [-L, L], Q - z = -D s(z / D) with the sawtooth s(t) = t - round(t) =
// sum_k (-1)^(k+1) sin(2 pi k t) / (pi k), and s^2 = 1/12 + sum_k (-1)^k
// cos(2 pi k t) / (pi k)^2. E[Q^2] - E[clip^2] = E[(Q - z)^2] + 2 E[z (Q - z)]
// on [-L, L]: the first term as above with the alternating sums 7 pi^4/720
// and 31 pi^6/30240, the second from int z sin(w z) pdf(z) dz = -2 L p / w +
// 2 He3(L) p / w^3 - 2 He5(L) p / w^5 + ... with pi^2/12, 7 pi^4/720 and
// 31 pi^6/30240.
double fine_grid_nearest_excess(double top, double spacing) {
  const double p = normal_pdf(top);
  const double d2 = spacing * spacing;
  return d2 * (normal_interval(-top, top) / 12.0 + top * p / 6.0 +
               d2 * (7.0 * (top - hermite3(top)) * p / 1440.0 +
                     d2 * 31.0 * (hermite5(top) - hermite3(top)) * p / 241920.0));
}

}  // namespace qmf::detail
