# SPDX-License-Identifier: GPL-3.0-or-later
"""Maps, fixed points, criticality and phase diagrams."""

import numpy as _np

from ._common import (Activation, _act, _integer, _masked, _number, _numbers_1d, _qmf, _text,
                      _threads)


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

    Raises ValueError for a malformed spec or anything but a string.
    """
    return _qmf.activation(_text("spec", spec, "an activation spec string"))


def _critical_sw2(act, sb2, weights):
    """(sigma_w^2, q*) of ``critical(act, sb2, weights=weights)``: sw2_opt (steps) or
    sw2_crit (smooth), the latent sigma_w^2 with quantized weights."""
    point = critical(act, sb2, weights=weights)
    return point["sw2_opt"] if "sw2_opt" in point else point["sw2_crit"], point["q_star"]


def _initialisation(act, sw2, sb2, q0, weights="gaussian"):
    """(sw2, q0, choices) with sw2 = "crit" and q0 = "star" resolved as the CLI does
    (with quantized weights: the latent critical sigma_w^2 and the q* of their maps)."""
    choices = {"sw2_choice": "given", "q0_choice": "given"}
    critical_q_star = None
    sb2 = _number("sb2", sb2)
    if not isinstance(sw2, str):
        sw2 = _number("sw2", sw2)
    if not isinstance(q0, str):
        q0 = _number("q0", q0)
    if isinstance(sw2, str):
        if sw2 != "crit":
            raise ValueError(f"sw2: '{sw2}' is neither a positive number nor 'crit'")
        (sw2, critical_q_star), choices["sw2_choice"] = _critical_sw2(act, sb2, weights), "critical"
    if isinstance(q0, str):
        if q0 != "star":
            raise ValueError(f"q0: '{q0}' is neither a positive number nor 'star'")
        if critical_q_star:  # > 0: the critical point's own fixed point, as the CLI's --q0 star
            q0 = critical_q_star  # (q = 1 may fall elsewhere: multi-branch steps collapse)
        else:  # at sb2 = 0 a smooth activation's line ends at q* = 0: start from q = 1
            q0 = _qmf.maps(_act(act), sw2, sb2, 1.0, 0.5, None, weights)["q_star"]
            if q0 == 0.0:  # the marginal collapse, as the CLI's --q0 star
                raise _qmf.NumericalError("q0 star: the length map falls from q = 1 to its "
                                          "marginal fixed point q* = 0, which is no starting "
                                          "variance")
        choices["q0_choice"] = "fixed_point"
    return sw2, q0, choices


def maps(act, sw2, sb2=0.0, q0=1.0, c0=0.5, depth=None, weights="gaussian"):
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
        q_star; "star": that fixed point reached from q = 1, or with sw2 "crit"
        the critical point's own q* (as ``--q0 star`` on the command line).
    c0 : float
        Initial correlation of the layer iteration (used with ``depth``).
    depth : int or None
        Also iterate both maps from (q0, c0) for this many layers.
    weights : str
        Weight spec, as ``--weights`` of the CLI (docs/cli.md): gaussian,
        binary, ternary[,p=P], bits:B[,clip=C] (2 <= B <= 32), each with
        rounding=nearest|stochastic|stochastic-per-example. sw2 is then the
        latent weights' variance; the maps see E[Q^2] sw2, of which the
        per-example rounding noise nu sw2 is not shared by the two inputs.
        "crit" is then the latent sw2 of critical(act, sb2, weights=...) and
        "star" the q* of the maps with these weights (as on the command line).

    Returns
    -------
    dict with the keys of ``qmf maps --json``: act (canonical spec), sw2, sb2,
    weights (canonical spec), sw2_effective (E[Q^2] sw2), weight_noise (nu sw2),
    q0, c0 (the numbers used), sw2_choice ("given" or "critical"), q0_choice
    ("given" or "fixed_point"), q_star, q_fixed_points (list of dicts q, chi_q, stable,
    marginal: every positive fixed point of the length map found, and q_star),
    every_q_fixed (the length map is the identity: relu at sw2 = 2, linear at 1, sb2 = 0;
    the list then holds q0 alone), c_star (stable correlation
    fixed point), chi_q (dq'/dq at q_star), chi_c (dc'/dc at c_star), chi_1
    (sw2 E[phi'(u)^2], ``inf`` for step activations), xi_q, xi_c (depth
    scales -1/ln|chi| in layers; ``inf`` at |chi| = 1); with ``depth`` also
    depth and layers (list of dicts l, q, c for layers 0..depth).

    Raises ValueError for bad input, NumericalError when the length map
    collapses, diverges or does not converge.
    """
    weights = _text("weights", weights)
    sw2, q0, choices = _initialisation(act, sw2, sb2, q0, weights)
    depth = None if depth is None else _integer("depth", depth, 0)
    return _qmf.maps(_act(act), sw2, _number("sb2", sb2), q0, _number("c0", c0), depth,
                     weights) | choices


def iterate_maps(act, sw2, sb2=0.0, q0=1.0, c0=0.5, depth=10, weights="gaussian"):
    """The length and correlation maps iterated from (q0, c0) for ``depth`` layers.

    Returns a dict of NumPy arrays of length depth + 1: l (layer 0..depth),
    q (pre-activation variance), c (correlation of the two inputs). Same
    conventions (and weight specs) as :func:`maps`.
    """
    return _qmf.iterate_maps(_act(act), _number("sw2", sw2), _number("sb2", sb2),
                             _number("q0", q0), _number("c0", c0), _integer("depth", depth, 0),
                             _text("weights", weights))


def critical(act, sb2=0.0, k=6.0, weights="gaussian"):
    """Critical initialisation at bias variance ``sb2``, as ``qmf critical --json``.

    Step activations have no ordered phase (chi_1 = inf), so critical means the
    sigma_w^2 that maximises the correlation depth scale xi_c: the dict has
    act, sb2, sw_opt (sigma_w), sw2_opt (sigma_w^2), q_star, dtilde_opt (central
    threshold spacing in units of sqrt(q_star); None without two central
    thresholds), c_star, chi_c (the slope at c_star there), xi_c = -1/ln chi_c
    (layers), degenerate (True when chi_c does not depend on sw2), k and
    L_max = k xi_c (layers; k ~ 6), the trainable depth. The same values are
    also under the names chi_max and xi_max (the CLI contract's; at sb2 = 0 the
    paper's chi_max(N) of theory.md section 3).

    Smooth activations: the order-chaos line chi_1 = 1 (of the effective weight
    variance); the dict has act, sb2, sw2_crit, q_star, c_star, chi_c, xi_c, k
    and L_max = k xi_c (inf on the line unless per-example weight noise moves
    c_star below 1).

    ``weights`` is a weight spec (``--weights`` of the CLI: gaussian, binary,
    ternary, bits:B, each with rounding=...): the searches run over the latent
    sw2, and the dict adds weights, sw2_effective = E[Q^2] sw2 and weight_noise.

    Raises NumericalError when chi_c has no maximum at finite sigma_w (e.g.
    sign at sb2 > 0) or no transition is found.
    """
    return _qmf.critical(_act(act), _number("sb2", sb2), _number("k", k),
                         _text("weights", weights))


def critical_line(act, sb2, threads=None, weights="gaussian"):
    """The line a phase diagram draws: sw2 on chi_1 = 1 (smooth activations) or
    the xi_c-maximising sw2 (step activations) at each value of ``sb2``; with
    quantized ``weights`` (a spec as in :func:`maps`) the latent sw2 of
    :func:`critical` with those weights.

    Returns a dict of NumPy arrays (the fields of ``qmf phase --json``'s
    ``order_chaos_line`` or ``best_sw2_line``) sb2, sw2, xi_c (``inf`` on
    chi_1 = 1), q_star (the length fixed point the point's xi_c belongs to)
    and from_q0 (bool: whether the length map from q = 1, where :func:`phase`
    starts, reaches that q_star; a step activation with several stable fixed
    points may have it on another branch). Values of sb2 where the library
    finds no such point are left out.
    """
    return _qmf.critical_line(_act(act), _numbers_1d("sb2", sb2), _threads(threads),
                              _text("weights", weights))


def phase(act, sw2, sb2, threads=None, weights="gaussian"):
    """Phase diagram over the grid sw2 x sb2 (the values of ``qmf phase``'s CSV).

    Parameters
    ----------
    act : str or Activation
    sw2, sb2 : 1-D array-likes
        Weight and bias variances; the grid is every pair.
    threads : int or None
        OpenMP threads (the result does not depend on it).
    weights : str
        Weight spec as in :func:`maps`: sw2 is then the latent weights'
        variance (``qmf phase --weights``).

    Returns
    -------
    dict with sw2, sb2 (the 1-D inputs), weights (the canonical spec),
    sw2_effective_per_sw2 (E[Q^2]), weight_noise_per_sw2 (nu, 0 unless the
    rounding is per example) and 2-D arrays of shape
    (len(sb2), len(sw2)), indexed [j, i] at (sw2[i], sb2[j]) like
    ``numpy.meshgrid(sw2, sb2)``: q_star, c_star, chi_c, chi_1, xi_c (masked
    arrays, masked where the point has no values) and status (strings "ok",
    "multistable", "collapsed", "diverged", "failed").
    """
    sw2 = _numbers_1d("sw2", sw2)
    sb2 = _numbers_1d("sb2", sb2)
    raw = _qmf.phase(_act(act), sw2, sb2, _threads(threads), _text("weights", weights))
    out = {"sw2": sw2, "sb2": sb2}
    for key in ("weights", "sw2_effective_per_sw2", "weight_noise_per_sw2"):
        out[key] = raw[key]
    for key in ("q_star", "c_star", "chi_c", "chi_1", "xi_c"):
        out[key] = _masked(raw[key])
    out["status"] = _np.array(raw["status"]).reshape(len(sb2), len(sw2))
    return out
