// Gaussian expectations of smooth (or piecewise smooth) functions by globally
// adaptive Gauss-Kronrod quadrature.
//
// Plain Gauss-Hermite converges slowly when f(sqrt(q) z) is steep (tanh at
// large q); adaptive quadrature split at the kinks and steep points reaches
// ~1e-13 relative accuracy whatever the scale.
#pragma once

#include <functional>
#include <span>

namespace qmf {

/// E[f(z)], z ~ N(0, 1). `breaks` lists points where f has a kink or changes
/// fast; the integral is split there.
double gaussian_expectation(const std::function<double(double)>& f,
                            std::span<const double> breaks = {});

/// E[f(z1, z2)] over a standard bivariate normal with correlation rho in
/// [-1, 1]. `breaks` are the kinks of f in each coordinate (the same set for
/// z1 and z2, as for f(z1, z2) = g(phi(z1), phi(z2))).
double bivariate_gaussian_expectation(const std::function<double(double, double)>& f, double rho,
                                      std::span<const double> breaks = {});

/// The same expectation with the pair written as z1 = m + h, z2 = m - h, where
/// m and h are independent normals of variances (1 + rho)/2 and (1 - rho)/2:
/// E[g(m, h)]. An integrand that needs the difference of z1 and z2, such as
/// (phi(m + h) - phi(m - h))^2 as rho -> 1, receives the half-difference h
/// itself and never has to subtract two nearby numbers.
double symmetric_bivariate_expectation(const std::function<double(double, double)>& g, double rho,
                                       std::span<const double> breaks = {});

}  // namespace qmf
