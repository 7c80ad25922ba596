# SPDX-License-Identifier: GPL-3.0-or-later
"""The depth-quantization trade-off L_max(N)."""

import numpy as _np

from ._common import _flag, _integer, _masked, _number, _qmf, _text, _text_or_none, _threads


# The rules and messages of `qmf lmax --levels` (apps/qmf/cli/level_list.cpp),
# checked before anything is allocated; tests/python/test_errors.py holds the
# two to the same messages.
_MAX_LEVEL = 1 << 24
_MAX_VALUES = 100000
_ALLOWED = "comma-separated integers N >= 2 and ranges a..b, e.g. 2..64,128,256"


def _reject(text, why):
    raise ValueError(f"levels '{text}': {why} (allowed: {_ALLOWED})")


def _level(text, item):
    if not item.isascii() or not (item.isdigit() or (item[:1] == "-" and item[1:].isdigit())):
        _reject(text, f"'{item}' is not an integer")
    if not 2 <= int(item) <= _MAX_LEVEL:
        _reject(text, f"N = {item} is outside 2..{_MAX_LEVEL}")
    return int(item)


def _levels(levels):
    """N values, distinct and ascending, from an int, a sequence of ints, or the
    CLI's list "2..8,16"."""
    if isinstance(levels, str):
        text = levels
    else:
        array = _np.asarray(levels, dtype=object)
        if array.ndim > 1:
            raise ValueError(f"levels must be an integer or a 1-D sequence of integers "
                             f"(got an array of shape {array.shape})")
        text = ",".join(str(_integer("levels", n)) for n in array.ravel())
    if text == "":
        _reject(text, "the list is empty")
    items = text.split(",")
    for k, item in enumerate(items):
        if item == "":
            _reject(text, f"item {k + 1} is empty")
    values = set()
    for item in items:
        low, dots, high = item.partition("..")
        if not dots:
            values.add(_level(text, item))
            continue
        first, last = _level(text, low), _level(text, high)
        if last < first:
            _reject(text, f"the range '{item}' is empty")
        if last - first >= _MAX_VALUES - len(values):
            _reject(text, f"more than {_MAX_VALUES} values")
        values.update(range(first, last + 1))
    return sorted(values)


def lmax(levels, family="uniform", k=6.0, exponents=False, threads=None, weights=None):
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
    weights : str or None
        A weight spec (as ``--weights`` of the CLI, e.g.
        "bits:4,rounding=stochastic-per-example"): the table with quantized
        weights instead, the ``weight_rows`` of ``qmf lmax --weights SPEC
        --json``: weights (the canonical spec), N, noise_ratio (r = nu /
        E[clip(w)^2], 0 unless the rounding is per example), one_minus_chi_max,
        chi_max = chi_max(N) / (1 + r), xi_max, L_max, sw2_opt (latent) and
        sw2_effective (E[Q^2] sw2_opt), both masked for N = 2. Not with exponents.

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
    family, k = _text("family", family), _number("k", k)
    exponents, weights = _flag("exponents", exponents), _text_or_none("weights", weights)
    if weights is not None:
        if exponents:
            raise ValueError("exponents: not with weights (the weight table has no local exponents)")
        raw = _qmf.lmax_weights(_levels(levels), family, k, weights, _threads(threads))
        return raw | {key: _masked(raw[key]) for key in ("sw2_opt", "sw2_effective")}
    raw = _qmf.lmax(_levels(levels), family, k, exponents, _threads(threads))
    masked = ("dtilde_opt", "sw2_opt", "local_slope", "local_exponent")
    return {key: _masked(v) if key in masked else v for key, v in raw.items()}


def lmax_biased(levels, sb2, k=6.0, threads=None, weights=None):
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
    weights : str or None
        A weight spec (as ``--weights`` of the CLI): the fixed quantizer's
        optimum over the latent sw2 of the maps with these weights instead,
        the ``weight_fixed_quantizer`` rows of ``qmf lmax --sb2 S --weights
        SPEC --json``: weights, N, noise_ratio, sw2 (latent), sw2_effective
        (E[Q^2] sw2), weight_noise (nu sw2), q_star, c_star, chi_c, xi, L.

    Returns a dict of NumPy columns N, sw2, q_star, c_star, chi_c, xi, L, chi_sup, L_sup.
    """
    sb2, k, weights = _number("sb2", sb2), _number("k", k), _text_or_none("weights", weights)
    if weights is not None:
        return _qmf.lmax_biased_weights(_levels(levels), sb2, k, weights, _threads(threads))
    return _qmf.lmax_biased(_levels(levels), sb2, k, _threads(threads))


def lmax_clip(levels, weights, sb2=0.0, family="uniform", k=6.0, threads=None):
    """L over the latent sigma_w^2 and the clip of bits:B weights together,
    the ``weight_clip_rows`` of ``qmf lmax --weights SPEC --optimise-clip
    --json`` (sb2 = 0) or its ``weight_fixed_quantizer_clip_rows`` (sb2 > 0,
    the fixed quantizer quant:N, uniform family only).

    The clip enters the maps only through r = nu / E[clip(w)^2], and only for
    per-example rounding; there r -> 0 as the clip -> 0, and the supremum is
    the Gaussian-weight value, approached but not attained (theory.md
    section 1.7, "The clip").

    Parameters
    ----------
    levels : int, iterable of int, or str ("2..8,16"); N >= 3 at sb2 > 0
    weights : str
        One bits:B weight spec, e.g. "bits:4,rounding=stochastic-per-example"
        (its clip is the one freed); any other spec is a ValueError.
    sb2 : float, >= 0
    family : "uniform" or "lloyd" (sb2 = 0 only)
    k : float
    threads : int or None

    Returns a dict: weights (the canonical spec), N, clip_matters and attained
    (bool columns), clip (the maximiser; masked unless attained with
    clip_matters), chi_sup, L_sup (= k xi), and the path of best values at
    path_clip = [1, 0.1, 0.01]: path_noise_ratio, path_sw2 (latent; masked
    for N = 2 at sb2 = 0), path_chi_c and path_L, each an N x 3 array.
    """
    raw = _qmf.lmax_clip(_levels(levels), _text("family", family), _number("k", k),
                         _text("weights", weights), _number("sb2", sb2), _threads(threads))
    return raw | {key: _masked(raw[key]) for key in ("clip", "path_sw2")}


def n_min(depth, k=6.0, family="uniform", weights=None, sb2=0.0):
    """The fewest activation levels N whose trainable depth reaches ``depth``
    layers: the ``n_min`` of ``qmf lmax --depth L`` (sb2 = 0, with ``weights``
    its ``weight_n_min`` rows) and, at ``sb2`` > 0, its
    ``n_min_fixed_quantizer`` (quant:N with levels +-1 and default spacing at
    its best sigma_w^2; uniform family only, N >= 3).

    L grows with N, so the search doubles N and then bisects: about
    2 log2(n_min) optima are solved. N is searched up to 2^24 at sb2 = 0 and up
    to 4096 at sb2 > 0, where each N is a search over sigma_w^2.

    Parameters
    ----------
    depth : float, > 0
        The depth L in layers.
    k : float, > 0
        L = k xi.
    family : "uniform" or "lloyd"
    weights : str or None
        A weight spec (as ``--weights`` of the CLI); None for Gaussian weights.
    sb2 : float, >= 0

    Returns a dict: N (int, or None when no searched N reaches the depth), L
    (the depth N reaches, or None) and L_max_sup, the bound k / ln(1 + r)
    that per-example rounding noise puts on L_max at sb2 = 0 for every N
    (inf without it; no N reaches a depth at or above it).
    """
    weights = _text_or_none("weights", weights)
    return _qmf.n_min(_number("depth", depth), _number("k", k), _text("family", family),
                      "gaussian" if weights is None else weights, _number("sb2", sb2))
