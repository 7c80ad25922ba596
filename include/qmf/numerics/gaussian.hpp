// Exact one- and two-dimensional Gaussian probabilities.
//
// Everything qmf knows about step activations reduces to these: interval
// probabilities of a standard normal and orthant probabilities of a standard
// bivariate normal. The orthant probability has two independent routes (Owen's
// T function and Plackett's integral over the correlation) so that each checks
// the other.
#pragma once

namespace qmf {

/// Standard normal density.
double normal_pdf(double x);
/// Standard normal distribution function Phi(x), accurate in the lower tail.
double normal_cdf(double x);
/// Upper tail 1 - Phi(x), accurate in the upper tail.
double normal_sf(double x);
/// P(a < z < b) for a standard normal z, a <= b (either may be infinite);
/// relative accuracy near machine precision also for narrow and far-tail intervals.
double normal_interval(double a, double b);

/// Standard bivariate normal density with correlation rho, |rho| < 1.
double bivariate_normal_pdf(double a, double b, double rho);

/// Upper orthant probability P(z1 > a, z2 > b) of a standard bivariate normal
/// with correlation rho in [-1, 1], by Owen's T function.
double bivariate_normal_upper(double a, double b, double rho);

/// pdf2(a, b; sin theta) cos theta: Plackett's integrand d/dtheta of the
/// orthant probability in theta = asin(rho), free of the end-point singularity
/// of the density and evaluated without cancellation as |theta| -> pi/2.
double plackett_density(double a, double b, double theta);

/// The same probability by Plackett's identity d/drho P = pdf2, integrated from
/// rho = 0 in the variable theta = asin(rho) (which removes the end-point singularity).
double bivariate_normal_upper_plackett(double a, double b, double rho);

}  // namespace qmf
