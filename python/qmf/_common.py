# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the package's modules: the extension, argument conversions."""

import os as _os

import numpy as _np

try:
    from . import _qmf  # installed (pip): the extension inside the package
except ImportError:
    import _qmf  # build tree: build/python and the source python/ on PYTHONPATH

Activation = _qmf.Activation


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
