// The umbrella header: everything the qmf library offers, by layer.
//
//   numerics     exact Gaussian probabilities and expectations
//   activations  the activation interface, step and smooth families, the STE
//   kernel       mean-field maps, fixed points, criticality, phase diagrams
//   depth        chi_max(N) and L_max(N) of N-level quantizers
//   simulation   finite random networks beside the mean field
#pragma once

#include "qmf/activations/activation.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/activations/smooth_activation.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/critical_initialisation.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/derivative_kernel.hpp"
#include "qmf/kernel/empirical_kernel.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/kernel/kernel_regression.hpp"
#include "qmf/kernel/kernel_state.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/layers.hpp"
#include "qmf/kernel/maps.hpp"
#include "qmf/kernel/mercer_spectrum.hpp"
#include "qmf/kernel/phase_diagram.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_cell.hpp"
#include "qmf/numerics/gaussian_expectation.hpp"
#include "qmf/numerics/line_fit.hpp"
#include "qmf/numerics/memory_limit.hpp"
#include "qmf/simulation/correlation_depth.hpp"
#include "qmf/simulation/finite_width.hpp"
#include "qmf/simulation/simulate.hpp"
#include "qmf/training/dataset.hpp"
#include "qmf/training/loss.hpp"
#include "qmf/training/network.hpp"
#include "qmf/training/optimizer.hpp"
#include "qmf/training/trainer.hpp"
#include "qmf/training/weight_quantizer.hpp"
#include "qmf/weights/clip_supremum.hpp"
#include "qmf/weights/quasi_network.hpp"
#include "qmf/weights/weight_depth.hpp"
#include "qmf/weights/weight_rounding.hpp"
#include "qmf/weights/weight_spec.hpp"
