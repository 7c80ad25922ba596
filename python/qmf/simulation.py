# SPDX-License-Identifier: GPL-3.0-or-later
"""Kernel layers propagated, and finite random nets simulated."""

import numpy as _np

from ._common import (_act, _flag, _integer, _number, _number_or_none, _numbers_1d, _qmf, _text,
                      _threads)
from .mean_field import _initialisation


def propagate(layer_map, state, depth):
    """The kernel states of layers 0..depth of a net whose every layer is ``layer_map``.

    ``state`` (a :class:`KernelState`) is layer 0; element l is
    layer_map applied l times. Inputs of unequal norm and the neural tangent
    kernel are carried along::

        >>> layer = qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(sw2=1.5, sb2=0.05))
        >>> states = qmf.propagate(layer, qmf.KernelState.with_norms(1.0, 2.0, 0.3), 20)
        >>> states[-1].correlation
    """
    if not isinstance(layer_map, _qmf.LayerMap):
        raise ValueError(f"layer_map must be a qmf.LayerMap (got {layer_map!r})")
    if not isinstance(state, _qmf.KernelState):
        raise ValueError(f"state must be a qmf.KernelState (got {state!r})")
    return _qmf.propagate(layer_map, state, _integer("depth", depth, 0))


def _window(ste_window):
    """None, or (lo, hi) as two floats; ValueError naming ste_window otherwise."""
    if ste_window is None:
        return None
    if not (isinstance(ste_window, (tuple, list)) and len(ste_window) == 2):
        raise ValueError(f"ste_window must be a pair (lo, hi) of numbers (got {ste_window!r})")
    return tuple(_number("ste_window", end) for end in ste_window)


def simulate(act, sw2, sb2, width, depth, q0=1.0, c0=0.5, nets=16, seed=1, threads=None,
             backward=True, ste_slope=None, ste_clip=None, ste_window=None, weights="gaussian",
             method="auto"):
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
        Weight variance sigma_w^2 (of the latent weights when ``weights`` quantizes
        them); "crit": the critical one at sb2 (:func:`critical` with these weights: latent).
    q0 : float or "star"
        Variance of the layer-0 pre-activations; "star": the stable fixed point
        q* of the length map (reached from q = 1; with sw2 "crit", the critical
        point's own q*, as ``--q0 star``), the steady state.
    c0 : float or sequence of floats
        Correlation of each input pair (all pairs share their first input).
    nets : int
        Independent nets (>= 2): means and standard errors are over nets.
    seed : int
        Random seed; the result is the same for every thread count.
    weights : str
        Weight spec, as ``--weights`` of the CLI (gaussian, binary, ternary[,p=P],
        bits:B[,clip=C], each with rounding=nearest|stochastic|stochastic-per-example):
        the latent N(0, sw2/width) weights rounded onto the grid; stochastic-per-example
        rounds every weight afresh for each input.
    method : str
        "gram" draws each layer from its Gram matrix (O(width), Gaussian weights only),
        "cells" the Gram forward pass kept as per-cell sums and the backward pass drawn
        from them (step activations, Gaussian weights), "weights" draws every weight
        (O(width^2)), "auto" the cheapest (as ``--method``).

    Returns
    -------
    dict: act, sw2 and q0 (the numbers used), sw2_choice, q0_choice (as in
    :func:`maps`), weights (the canonical spec), sw2_effective (E[Q^2] sw2 plus the
    per-example noise nu sw2), weight_noise (nu sw2), method (the one used), ste_slope and ste_clip or ste_window (step activations) and NumPy arrays
    over layers l = 0..depth, as the columns of ``qmf simulate``: l, q_sim,
    q_se, q_mf, c_sim, c_se, c_mf (1-D for a scalar c0, else shape
    (depth + 1, len(c0))), grad_sim, grad_se, grad_mf (with backward; the
    gradient ratio |delta^l|^2 / |delta^L|^2). *_sim is the mean over nets,
    *_se its standard error, *_mf the mean-field prediction.
    """
    scalar = _np.ndim(c0) == 0
    weights = _text("weights", weights)
    sw2, q0, choices = _initialisation(act, sw2, sb2, q0, weights)
    out = _qmf.simulate(_act(act), sw2, _number("sb2", sb2), _integer("width", width),
                        _integer("depth", depth), q0, _numbers_1d("c0", c0).tolist(),
                        _integer("nets", nets), _integer("seed", seed, 0, limit=2**64 - 1), _threads(threads),
                        _flag("backward", backward), _number_or_none("ste_slope", ste_slope),
                        _number_or_none("ste_clip", ste_clip),
                        _window(ste_window), weights,
                        _text("method", method))
    if scalar:
        for key in ("c_sim", "c_se", "c_mf"):
            out[key] = out[key][:, 0]
    return out | {"sw2": sw2, "q0": q0} | choices
