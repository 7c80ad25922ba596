// The infinite-width kernels of a deep net on a grid of input cosines: the
// NNGP kernel Sigma^L(t) and the neural tangent kernel Theta^L(t) of two
// inputs of equal squared norm per unit q0 and cosine t (docs/kernels.md).
//
// Conventions (docs/theory.md section 1.6): the first dense layer acts on the
// inputs' kernel (q0, q0, q0 t) with Theta^0 = 0, so Sigma^1 = Theta^1 =
// sw2 q0 t + sb2; each further layer is Elementwise(phi) then Dense, with
// Theta^l = Sigma^l + sw2 E[g(u1) g(u2)] Theta^(l-1), g the derivative
// kernel's g (qmf/kernel/derivative_kernel.hpp). Depth L counts dense layers.
#pragma once

#include <span>
#include <vector>

#include "qmf/interrupt.hpp"
#include "qmf/kernel/derivative_kernel.hpp"
#include "qmf/kernel/maps.hpp"

namespace qmf {

struct KernelValues {
  double nngp = 0.0;  // Sigma^L(t)
  double ntk = 0.0;   // Theta^L(t)
};

/// Sigma^L and Theta^L at depth L = depth >= 1 for every t in [-1, 1].
/// Throws std::invalid_argument naming the field (sw2, sb2, q0, depth, t).
/// Polls `interrupt` at every layer (qmf/interrupt.hpp).
std::vector<KernelValues> kernel_on_grid(const Activation& phi, const Initialization& init,
                                         double q0, std::span<const double> t_values, int depth,
                                         const DerivativeKernel& derivative,
                                         const Interrupt& interrupt = {});

/// The same at t = 1 alone: the normalisers Sigma^L(1), Theta^L(1).
KernelValues kernel_on_diagonal(const Activation& phi, const Initialization& init, double q0,
                                int depth, const DerivativeKernel& derivative);

/// n equally spaced cosines from -1 to 1 (n >= 2).
std::vector<double> cosine_grid(int n);

}  // namespace qmf
