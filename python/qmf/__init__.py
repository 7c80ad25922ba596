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
  process may use). Their results do not depend on it.
"""

import os as _os

import numpy as _np

try:
    from . import _qmf  # installed (pip): the extension inside the package
except ImportError:
    import _qmf  # build tree: build/python and the source python/ on PYTHONPATH

Activation = _qmf.Activation
Dense = _qmf.Dense
KernelState = _qmf.KernelState
LayerMap = _qmf.LayerMap
NumericalError = _qmf.NumericalError

__all__ = [
    "Activation", "Dense", "KernelState", "LayerMap", "NumericalError",
    "activation", "maps", "iterate_maps", "critical", "critical_line", "phase",
    "lmax", "lmax_biased", "propagate", "simulate",
]


def _act(act):
    """An Activation from a spec string or an Activation."""
    return act if isinstance(act, Activation) else _qmf.activation(act)


def _threads(threads):
    if threads is None:
        return max(1, len(_os.sched_getaffinity(0)))
    return threads


def _masked(values):
    """NaN (no value) as a masked entry: the package never returns NaN."""
    values = _np.asarray(values, dtype=float)
    missing = _np.isnan(values)
    return _np.ma.masked_array(_np.where(missing, 0.0, values), mask=missing)


def activation(spec):
    """The activation named by ``spec``, as an :class:`Activation` object.

    Specs (docs/cli.md): sign, tanh, erf, relu, hardtanh, linear, gelu, silu,
    sigmoid, softplus, selu, leaky_relu[,a=A], elu[,a=A],
    quant:N[,D=spacing][,A=amplitude] (uniform N-level quantizer; N may be
    written Bbit for 2^B levels, quant:3bit = quant:8),
    steps:t=T1:T2..,y=Y0:Y1.. (any step function; ';' also separates),
    lloyd:N[,S=scale].

    The object's moments take q (a variance, > 0) and c (a correlation in
    [-1, 1]) as floats or NumPy arrays, broadcast together::

        >>> phi = qmf.activation("quant:16")
        >>> phi.spec, phi.is_step
        ('quant:16,A=1,D=0.13333333333333333', True)
        >>> phi.cross_moment(np.array([[1.0], [2.0]]), np.linspace(0, 1, 4)).shape
        (2, 4)

    Raises ValueError for a malformed spec.
    """
    return _qmf.activation(spec)


def _critical_sw2(act, sb2):
    """sigma_w^2 of ``critical(act, sb2)``: sw2_opt (steps) or sw2_crit (smooth)."""
    point = critical(act, sb2)
    return point["sw2_opt"] if "sw2_opt" in point else point["sw2_crit"]


def _initialisation(act, sw2, sb2, q0):
    """(sw2, q0, choices) with sw2 = "crit" and q0 = "star" resolved as the CLI does."""
    choices = {"sw2_choice": "given", "q0_choice": "given"}
    if isinstance(sw2, str):
        if sw2 != "crit":
            raise ValueError(f"sw2: '{sw2}' is neither a positive number nor 'crit'")
        sw2, choices["sw2_choice"] = _critical_sw2(act, sb2), "critical"
    if isinstance(q0, str):
        if q0 != "star":
            raise ValueError(f"q0: '{q0}' is neither a positive number nor 'star'")
        q0, choices["q0_choice"] = _qmf.maps(_act(act), sw2, sb2, 1.0, 0.5, None)["q_star"], "fixed_point"
    return sw2, q0, choices


def maps(act, sw2, sb2=0.0, q0=1.0, c0=0.5, depth=None):
    """Fixed points, slopes and depth scales of the length and correlation maps.

    The length map q' = sw2 E[phi(u)^2] + sb2 and the correlation map
    c' = (sw2 E[phi(u1) phi(u2)] + sb2) / q', u ~ N(0, q), are those of a net
    with W_ij ~ N(0, sw2 / n), b_i ~ N(0, sb2).

    Parameters
    ----------
    act : str or Activation
    sw2 : float or "crit"
        Weight variance sigma_w^2 (> 0); "crit": the critical one at sb2, as
        :func:`critical` finds it.
    sb2 : float
        Bias variance sigma_b^2 (>= 0).
    q0 : float or "star"
        Start of the length iteration: the fixed point reached from q0 is
        q_star; "star": that fixed point reached from q = 1.
    c0 : float
        Initial correlation of the layer iteration (used with ``depth``).
    depth : int or None
        Also iterate both maps from (q0, c0) for this many layers.

    Returns
    -------
    dict with the keys of ``qmf maps --json``: act (canonical spec), sw2, sb2,
    q0, c0 (the numbers used), sw2_choice ("given" or "critical"), q0_choice
    ("given" or "fixed_point"), q_star, q_fixed_points (list of dicts q, chi_q, stable: every
    positive fixed point of the length map found), c_star (stable correlation
    fixed point), chi_q (dq'/dq at q_star), chi_c (dc'/dc at c_star), chi_1
    (sw2 E[phi'(u)^2], ``inf`` for step activations), xi_q, xi_c (depth
    scales -1/ln|chi| in layers; ``inf`` at |chi| = 1); with ``depth`` also
    depth and layers (list of dicts l, q, c for layers 0..depth).

    Raises ValueError for bad input, NumericalError when the length map
    collapses, diverges or does not converge.
    """
    sw2, q0, choices = _initialisation(act, sw2, sb2, q0)
    return _qmf.maps(_act(act), sw2, sb2, q0, c0, depth) | choices


def iterate_maps(act, sw2, sb2=0.0, q0=1.0, c0=0.5, depth=10):
    """The length and correlation maps iterated from (q0, c0) for ``depth`` layers.

    Returns a dict of NumPy arrays of length depth + 1: l (layer 0..depth),
    q (pre-activation variance), c (correlation of the two inputs). Same
    conventions as :func:`maps`.
    """
    return _qmf.iterate_maps(_act(act), sw2, sb2, q0, c0, depth)


def critical(act, sb2=0.0, k=6.0):
    """Critical initialisation at bias variance ``sb2``, as ``qmf critical --json``.

    Step activations have no ordered phase (chi_1 = inf), so critical means the
    sigma_w^2 that maximises the correlation depth scale xi_c: the dict has
    act, sb2, sw_opt (sigma_w), sw2_opt (sigma_w^2), q_star, dtilde_opt (central
    threshold spacing in units of sqrt(q_star); None without two central
    thresholds), c_star, chi_max (chi_c at c_star there), xi_max = -1/ln chi_max
    (layers), degenerate (True when chi_c does not depend on sw2), k and
    L_max = k xi_max (layers; k ~ 6), the trainable depth. At sb2 > 0 the
    keys chi_max and xi_max are chi_c and xi_c: chi_max names the sigma_b = 0
    optimum (theory.md section 3).

    Smooth activations: the order-chaos line chi_1 = 1; the dict has act,
    sb2, sw2_crit, q_star, k and L_max = inf.

    Raises NumericalError when chi_c has no maximum at finite sigma_w (e.g.
    sign at sb2 > 0) or no transition is found.
    """
    return _qmf.critical(_act(act), sb2, k)


def critical_line(act, sb2, threads=None):
    """The line a phase diagram draws: sw2 on chi_1 = 1 (smooth activations) or
    the xi_c-maximising sw2 (step activations) at each value of ``sb2``.

    Returns a dict of NumPy arrays sb2, sw2, xi_c (``inf`` on chi_1 = 1); values
    of sb2 where the library finds no such point are left out.
    """
    return _qmf.critical_line(_act(act), _np.asarray(sb2, dtype=float).ravel(), _threads(threads))


def phase(act, sw2, sb2, threads=None):
    """Phase diagram over the grid sw2 x sb2 (the values of ``qmf phase``'s CSV).

    Parameters
    ----------
    act : str or Activation
    sw2, sb2 : 1-D array-likes
        Weight and bias variances; the grid is every pair.
    threads : int or None
        OpenMP threads (the result does not depend on it).

    Returns
    -------
    dict with sw2, sb2 (the 1-D inputs) and 2-D arrays of shape
    (len(sb2), len(sw2)), indexed [j, i] at (sw2[i], sb2[j]) like
    ``numpy.meshgrid(sw2, sb2)``: q_star, c_star, chi_c, chi_1, xi_c (masked
    arrays, masked where the point has no values) and status (strings "ok",
    "multistable", "collapsed", "diverged", "failed").
    """
    sw2 = _np.asarray(sw2, dtype=float).ravel()
    sb2 = _np.asarray(sb2, dtype=float).ravel()
    raw = _qmf.phase(_act(act), sw2, sb2, _threads(threads))
    out = {"sw2": sw2, "sb2": sb2}
    for key in ("q_star", "c_star", "chi_c", "chi_1", "xi_c"):
        out[key] = _masked(raw[key])
    out["status"] = _np.array(raw["status"]).reshape(len(sb2), len(sw2))
    return out


def _levels(levels):
    """N values from an int, an iterable of ints, or the CLI's list "2..8,16"."""
    if isinstance(levels, str):
        values = []
        for part in levels.split(","):
            low, _, high = part.partition("..")
            values += list(range(int(low), int(high) + 1)) if high else [int(low)]
        return values
    return [int(n) for n in _np.atleast_1d(levels)]


def lmax(levels, family="uniform", k=6.0, exponents=False, threads=None):
    """Largest depth scale xi_max(N) of N-level activations and L_max = k xi_max.

    At sigma_b = 0, c* = 0, for each N: the uniform family (quant:N) with the
    best spacing, or the Lloyd-Max quantizer (family="lloyd").

    Parameters
    ----------
    levels : int, iterable of int, or str
        Level counts N (>= 2); a string takes the CLI's syntax "2..64,128".
    family : "uniform" or "lloyd"
    k : float
        L_max = k xi_max (k ~ 6, Schoenholz et al.).
    exponents : bool
        Add local_exponent = d ln(1 - chi_max) / d ln N (central difference).
    threads : int or None
        N values solved in parallel.

    Returns
    -------
    dict of NumPy columns, as the rows of ``qmf lmax --json``: N, dtilde_opt
    (optimal central spacing / sqrt(q*); masked for N = 2), one_minus_chi_max,
    chi_max, xi_max (layers), L_max (layers), sw2_opt (sigma_w^2 of quant:N,
    A=1 or lloyd:N, S=1 at the optimum; masked for N = 2), local_slope (secant
    slope of ln(1 - chi_max) against ln(N + 1) over the listed neighbours;
    masked at both ends), xi_ratio (lloyd only: xi_max / uniform xi_max) and
    local_exponent (with exponents; masked for N < 4). ``pandas.DataFrame(d)``
    makes the table.
    """
    raw = _qmf.lmax(_levels(levels), family, k, exponents, _threads(threads))
    masked = ("dtilde_opt", "sw2_opt", "local_slope", "local_exponent")
    return {key: _masked(v) if key in masked else v for key, v in raw.items()}


def lmax_biased(levels, sb2, k=6.0, threads=None):
    """The depth-quantization trade-off at bias variance ``sb2`` > 0, as the
    ``fixed_quantizer`` rows and ``joint`` rows of ``qmf lmax --sb2 S --json``.

    Two questions (theory.md section 3.5): with the quantizer fixed (quant:N,
    levels +-1, default spacing) only sigma_w^2 is free, and its optimum is
    sw2, q_star, c_star, chi_c, xi = -1/ln chi_c and L = k xi (layers). If
    the spacing may scale too, there is no finite optimum: chi_c rises towards
    chi_sup = chi_max(N) of sigma_b = 0 (L_sup = k xi_max) as sw2 -> inf with
    D = D~_opt sqrt(q*).

    Parameters
    ----------
    levels : int, iterable of int, or str ("3..8,16"); every N >= 3
    sb2 : float, > 0
    k : float
    threads : int or None

    Returns a dict of NumPy columns N, sw2, q_star, c_star, chi_c, xi, L, chi_sup, L_sup.
    """
    return _qmf.lmax_biased(_levels(levels), sb2, k, _threads(threads))


def propagate(layer_map, state, depth):
    """The kernel states of layers 0..depth of a net whose every layer is ``layer_map``.

    ``state`` (a :class:`KernelState`) is layer 0; element l is
    layer_map applied l times. Inputs of unequal norm and the neural tangent
    kernel are carried along::

        >>> layer = qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(sw2=1.5, sb2=0.05))
        >>> states = qmf.propagate(layer, qmf.KernelState.with_norms(1.0, 2.0, 0.3), 20)
        >>> states[-1].correlation
    """
    return _qmf.propagate(layer_map, state, depth)


def simulate(act, sw2, sb2, width, depth, q0=1.0, c0=0.5, nets=16, seed=1, threads=None,
             backward=True, ste_slope=None, ste_clip=None, ste_window=None):
    """Finite random nets (forward and backward) beside the mean field.

    Layer 0 holds pre-activations with empirical variance q0 and pairwise
    correlations c0, exactly; layer l >= 1 is h^l = W^l phi(h^(l-1)) + b^l
    with width x width weights W ~ N(0, sw2 / width) and biases b ~ N(0, sb2).
    The backward pass back-propagates a random direction from layer ``depth``;
    step activations use the straight-through estimator
    g(x) = ste_slope * 1{|x| <= ste_clip} (default clip 1 and the
    gradient-preserving slope 1 / (sigma_w sqrt(erf(clip / sqrt(2 q*))))), or
    over a general window ste_window = (lo, hi), g(x) = ste_slope * 1{lo <= x <= hi}
    (ends may be +-inf; (0, 1) is a one-sided box for a quantized relu; the
    default slope preserves gradients over it).

    Parameters
    ----------
    sw2 : float or "crit"
        Weight variance sigma_w^2; "crit": the critical one at sb2 (:func:`critical`).
    q0 : float or "star"
        Variance of the layer-0 pre-activations; "star": the stable fixed point
        q* of the length map (reached from q = 1), the steady state.
    c0 : float or sequence of floats
        Correlation of each input pair (all pairs share their first input).
    nets : int
        Independent nets (>= 2): means and standard errors are over nets.
    seed : int
        Random seed; the result is the same for every thread count.

    Returns
    -------
    dict: act, sw2 and q0 (the numbers used), sw2_choice, q0_choice (as in
    :func:`maps`), ste_slope and ste_clip or ste_window (step activations) and NumPy arrays
    over layers l = 0..depth, as the columns of ``qmf simulate``: l, q_sim,
    q_se, q_mf, c_sim, c_se, c_mf (1-D for a scalar c0, else shape
    (depth + 1, len(c0))), grad_sim, grad_se, grad_mf (with backward; the
    gradient ratio |delta^l|^2 / |delta^L|^2). *_sim is the mean over nets,
    *_se its standard error, *_mf the mean-field prediction.
    """
    scalar = _np.ndim(c0) == 0
    sw2, q0, choices = _initialisation(act, sw2, sb2, q0)
    out = _qmf.simulate(_act(act), sw2, sb2, width, depth, q0,
                        [float(c) for c in _np.atleast_1d(c0)], nets, seed, _threads(threads),
                        backward, ste_slope, ste_clip,
                        None if ste_window is None else tuple(map(float, ste_window)))
    if scalar:
        for key in ("c_sim", "c_se", "c_mf"):
            out[key] = out[key][:, 0]
    return out | {"sw2": sw2, "q0": q0} | choices
