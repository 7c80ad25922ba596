# SPDX-License-Identifier: GPL-3.0-or-later
"""qmf: exact mean-field signal propagation for deep nets with quantized activations.

The Python face of the qmf C++ library (the same numbers as the ``qmf`` program's
``--json`` output, without a subprocess).

Conventions, everywhere:

* A deep random fully connected net has weights W_ij ~ N(0, sw2 / n) and biases
  b_i ~ N(0, sb2): ``sw2`` is sigma_w^2 and ``sb2`` is sigma_b^2, always variances.
  Layer l is h^l = W^l phi(h^(l-1)) + b^l; q is the variance of a pre-activation
  and c the correlation of the pre-activations of two inputs.
* chi_q, chi_c, chi_1 are slopes of the maps at their fixed points, xi_q, xi_c
  = -1 / ln|chi| depth scales in layers.
* Activations are given as spec strings ("sign", "tanh", "quant:16",
  "quant:16,D=0.3,A=2", "steps:t=-0.5;0.5,y=-1;0;1", "lloyd:8", ...) or as
  objects from :func:`activation`.
* Infinite values are Python ``float('inf')`` (chi_1 of every step activation,
  a depth scale at |chi| = 1). NaN is never returned: a value that would be
  NaN raises :class:`NumericalError`, and a cell without a value (a phase
  diagram point whose length map collapses, dtilde_opt for N = 2) is masked
  in a ``numpy.ma.MaskedArray``.
* Bad input raises ``ValueError`` with the library's one-line message (the CLI's
  message, naming the field instead of the flag); a well-posed question without
  a numerical answer (no fixed point, non-convergence) raises
  :class:`NumericalError`, a subclass of ``ArithmeticError``.
* Long computations (phase, critical_line, lmax, simulate, critical) release the
  GIL; those that run in parallel take ``threads`` (default: the CPUs this
  process may use). Their results do not depend on it. Ctrl-C stops phase,
  critical_line, lmax*, n_min, simulate, maps with depth, iterate_maps, propagate,
  kernel and quasi_states with KeyboardInterrupt (docs/python.md).
"""


from . import _classes  # noqa: F401 (checks the classes' arguments)
from ._common import Activation, _qmf
from .depth import lmax, lmax_biased, lmax_clip, n_min
from .kernels import kernel, kernel_spectrum, quasi_states
from .mean_field import activation, critical, critical_line, iterate_maps, maps, phase
from .simulation import propagate, simulate

__version__ = _qmf.__version__

Dense = _qmf.Dense
KernelState = _qmf.KernelState
LayerMap = _qmf.LayerMap
NumericalError = _qmf.NumericalError

__all__ = [
    "Activation", "Dense", "KernelState", "LayerMap", "NumericalError",
    "activation", "maps", "iterate_maps", "critical", "critical_line", "phase",
    "lmax", "lmax_biased", "lmax_clip", "n_min", "propagate", "simulate",
    "kernel", "kernel_spectrum", "quasi_states",
]
