# SPDX-License-Identifier: GPL-3.0-or-later
"""Infinite-width kernels (NNGP and NTK) of real-weight nets and of the quasi
network of binary weights rounded stochastically for every example
(docs/kernels.md)."""

import numpy as _np

from ._common import _act, _integer, _number, _number_or_none, _numbers_array, _qmf, _text
from .mean_field import _initialisation


def _weight_variance(act, sw2, sb2, weights):
    """(sw2, sw2_choice): a number as given, or "crit": the critical sigma_w^2 at
    sb2 (latent with quantized weights), as ``qmf kernel --sw2 crit``."""
    sw2, _, choices = _initialisation(act, sw2, sb2, 1.0, _text("weights", weights))
    return sw2, choices["sw2_choice"]


def kernel(act, sw2, sb2=0.0, depth=3, t=201, q0=1.0,
           weights="gaussian", quasi="exact", derivative="true", ste_slope=None, ste_clip=None):
    """The NNGP and NTK at depth L of a net on two inputs of equal squared norm
    per unit ``q0`` and cosine ``t`` (``qmf kernel``'s ``kernels``).

    Parameters
    ----------
    act : str or Activation
    sw2 : float or "crit"
        Weight variance (for binary weights: of the latent Gaussian weights
        whose clipped values theta are rounded); "crit": the critical one at
        sb2, as :func:`critical` finds it with these weights (latent; ``--sw2 crit``).
    sb2 : float
        Bias variance.
    depth : int
        Number of dense layers L >= 1.
    t : int or array_like
        Cosines in [-1, 1] (any shape), or a number of equally spaced
        cosines from -1 to 1 (the CLI's ``--t-points``).
    weights : str
        ``"gaussian"`` (real weights; NTK with the true phi', zero for step
        activations) or a spec with ``rounding=stochastic-per-example``, e.g.
        ``"binary,rounding=stochastic-per-example"``: the quasi network, whose
        NTK differentiates the latent theta and the biases through the
        Gaussian-smoothed activation (finite for step activations).
    quasi : str
        The quasi network's variance: ``"exact"`` (the per-example rounding
        map's) or ``"composed"``.
    derivative : str
        The derivative kernel E[g(u1) g(u2)] of the NTK with Gaussian weights
        (``--derivative``): ``"true"`` (g = phi', zero for step activations)
        or ``"ste"`` (step activations: the straight-through estimator
        g(x) = ste_slope * 1{|x| <= ste_clip}). The quasi network takes
        ``"true"`` only: its smoothed psi' is finite.
    ste_slope, ste_clip : float or None
        With ``derivative="ste"`` only. ste_clip defaults to 1, ste_slope to
        the gradient-preserving 1 / (sigma_w sqrt(erf(ste_clip / sqrt(2 q*))))
        at the fixed point q* the length map reaches from sw2 q0 + sb2 (as
        ``qmf kernel --ste-slope``).

    Returns a dict: ``t``, ``nngp``, ``ntk`` (arrays of t's shape),
    ``network`` (``"gaussian-weights"`` or ``"quasi"``), ``sw2`` and
    ``sw2_choice`` (``"given"`` or ``"critical"``), ``derivative``
    (``"true"`` or ``"ste"``) and, with ``"ste"``, the ``ste_slope`` and
    ``ste_clip`` used::

        >>> k = qmf.kernel("sign", 1.0, 0.05, depth=3, t=[0.0, 0.5, 1.0],
        ...                weights="binary,rounding=stochastic-per-example")
        >>> k["network"], k["ntk"].shape
        ('quasi', (3,))

    Raises ValueError on bad input (the CLI's message).
    """
    if isinstance(t, (int, _np.integer)) and not isinstance(t, bool):
        if t < 2:
            raise ValueError("t as a number of cosines must be at least 2 (got %d)" % t)
        t = _np.array(_qmf.cosine_grid(int(t)))
    t = _numbers_array("t", t, "an integer or an array of cosines")
    if t.size == 0:
        raise ValueError("t must hold at least one cosine (got an empty array)")
    sw2, sw2_choice = _weight_variance(act, sw2, sb2, weights)
    out = _qmf.kernel(_act(act), sw2, _number("sb2", sb2),
                      _integer("depth", depth), t.ravel().tolist(), _number("q0", q0),
                      _text("weights", weights), _text("quasi", quasi),
                      _text("derivative", derivative), _number_or_none("ste_slope", ste_slope),
                      _number_or_none("ste_clip", ste_clip))
    return out | {"t": t, "nngp": out["nngp"].reshape(t.shape),
                  "ntk": out["ntk"].reshape(t.shape), "sw2": sw2, "sw2_choice": sw2_choice}


def kernel_spectrum(act, sw2, sb2=0.0, depth=3, dim=784, degrees=20, q0=1.0,
                    weights="gaussian", quasi="exact", derivative="true", ste_slope=None,
                    ste_clip=None):
    """Mercer spectra on the sphere S^(dim-1) of the NNGP and NTK of :func:`kernel`'s
    net, each normalised by its value at t = 1, beside Gaussian and Laplace kernels
    of matched bandwidth (``qmf kernel --eigen DEGREES --dim DIM --json``'s ``spectra``).

    The arguments before ``dim`` and after ``degrees`` are :func:`kernel`'s.

    Parameters
    ----------
    dim : int
        Dimension d of the inputs, on the unit sphere S^(d-1) (3 <= d <= 100000).
    degrees : int
        Eigenvalues of degrees 0..degrees (1 <= degrees <= 1000, ``--eigen``).

    Returns
    -------
    dict: network, sw2, sw2_choice, derivative (and ste_slope, ste_clip with "ste") as in
    :func:`kernel`; matched_value_at_half (rho = NNGP(1/2) / NNGP(1), which the
    references match: exp(-1/(2 l^2)) = rho, exp(-1/l) = rho); nngp, ntk,
    gaussian, laplace (the last two None when rho is outside (0, 1)), each a
    dict: eigenvalues and floors (arrays over degrees 0..degrees; an eigenvalue
    below its floor is rounding), nodes (the quadrature's), relative_change and
    absolute_change (on the last doubling of the nodes), exponential and power
    (dicts slope, r2 of ln lambda_k against k and against ln k over the resolved
    degrees k >= 1, or None with fewer than three) with fit_degrees and
    fit_last_degree when fitted; the references also have bandwidth (l).

    Raises ValueError on bad input (the CLI's message, ``degrees`` for ``--eigen``).
    """
    sw2, sw2_choice = _weight_variance(act, sw2, sb2, weights)
    return _qmf.kernel_spectrum(_act(act), sw2, _number("sb2", sb2),
                                _integer("depth", depth),
                                _integer("dim", dim, 3, 100000),
                                _integer("degrees", degrees, 1, 1000), _number("q0", q0),
                                _text("weights", weights), _text("quasi", quasi),
                                _text("derivative", derivative),
                                _number_or_none("ste_slope", ste_slope),
                                _number_or_none("ste_clip", ste_clip)) | {
                                    "sw2": sw2, "sw2_choice": sw2_choice}


def quasi_states(act, sw2, sb2=0.0, depth=3, t=0.5, q0=1.0,
                 weights="binary,rounding=stochastic-per-example", quasi="exact"):
    """The quasi network's state at layers 1..depth for one cosine ``t``:
    arrays ``q`` (second moment of a pre-activation), ``k`` (variance of its
    mean over theta), ``k12`` (NNGP of the pair), ``ntk12`` (NTK of the pair),
    and ``theta_second_moment`` (E[theta^2]).

    ``q - k`` is the rounding noise v of one example; the NNGP of two draws of
    one example (t = 1) is ``k``, the second moment of one draw ``q``.
    """
    return _qmf.quasi_states(_act(act), _number("sw2", sw2), _number("sb2", sb2),
                             _integer("depth", depth), _number("t", t), _number("q0", q0),
                             _text("weights", weights), _text("quasi", quasi))
