# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the package's modules: the extension, argument conversions."""

import numbers as _numbers
import os as _os

import numpy as _np

try:
    from . import _qmf  # installed (pip): the extension inside the package
except ImportError:
    import _qmf  # build tree: build/python and the source python/ on PYTHONPATH

Activation = _qmf.Activation


def _act(act):
    """An Activation from a spec string or an Activation; ValueError for anything else."""
    if isinstance(act, Activation):
        return act
    return _qmf.activation(_text("act", act, "a spec string or a qmf.Activation"))


_MAX_THREADS = 1024


def _threads(threads):
    if threads is None:
        return max(1, len(_os.sched_getaffinity(0)))
    # The program's bound (--threads): far more threads than cores only costs, and
    # OpenMP crashed the process at 100000.
    return _integer("threads", threads, 1, _MAX_THREADS)


def _masked(values):
    """NaN (no value) as a masked entry: the package never returns NaN."""
    values = _np.asarray(values, dtype=float)
    missing = _np.isnan(values)
    return _np.ma.masked_array(_np.where(missing, 0.0, values), mask=missing)


# Argument checks before the extension sees the arguments: pybind11 would take
# True for 1.0 and answer a float where an int belongs with a multi-line
# TypeError listing the whole signature (docs/python.md: one-line ValueError).
def _number(name, x):
    """x as a float; ValueError for a bool or anything but a real number."""
    if isinstance(x, (bool, _np.bool_)) or not isinstance(x, _numbers.Real):
        raise ValueError(f"{name} must be a number (got {x!r})")
    try:
        return float(x)
    except OverflowError:  # an int beyond the doubles, 10**400
        raise ValueError(f"{name} is outside the range of double precision (got {x!r})") from None


def _text(name, x, what="a string"):
    """x unchanged when it is a str; ValueError naming the argument otherwise."""
    if not isinstance(x, str):
        raise ValueError(f"{name} must be {what} (got {x!r})")
    return x


def _text_or_none(name, x):
    """None, or x as a str (as _text)."""
    return None if x is None else _text(name, x)


def _flag(name, x):
    """x as a bool; ValueError for anything but True or False (1, "yes" and 2.5
    are not taken for True)."""
    if not isinstance(x, (bool, _np.bool_)):
        raise ValueError(f"{name} must be True or False (got {x!r})")
    return bool(x)


def _number_or_none(name, x):
    """None, or x as a float (as _number)."""
    return None if x is None else _number(name, x)


def _integer(name, x, lo=None, hi=None, limit=2**31 - 1):
    """x as an int (>= lo, and with hi in [lo, hi] as the CLI's ranges); ValueError for
    a bool, a non-integer or a value out of range. `limit` is the largest magnitude
    the extension's parameter holds (a C int; 2**64 - 1 for seed), beyond which
    pybind11 would answer with its multi-line TypeError."""
    if isinstance(x, (bool, _np.bool_)) or not isinstance(x, _numbers.Integral):
        raise ValueError(f"{name} must be an integer (got {x!r})")
    if hi is not None and not lo <= x <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}] (got {x!r})")
    if lo is not None and x < lo:
        raise ValueError(f"{name} must be an integer >= {lo} (got {x!r})")
    if abs(x) > limit:
        raise ValueError(f"{name} must be an integer of magnitude at most {limit} (got {x!r})")
    return int(x)


def _numbers_1d(name, x):
    """A scalar or 1-D array-like of real numbers as a 1-D float array; ValueError for
    more dimensions (which would be flattened silently), bools, non-numbers or none."""
    array = _np.asarray(x)
    if array.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-D sequence of numbers "
                         f"(got an array of shape {array.shape})")
    values = _numbers_array(name, x, "a number or a 1-D sequence of numbers").ravel()
    if values.size == 0:  # as the CLI's comma lists: an empty grid is bad input
        raise ValueError(f"{name} must hold at least one number (got an empty sequence)")
    return values


def _numbers_array(name, x, what="a number or an array of numbers"):
    """A scalar or array-like of real numbers, any shape, as a float array; ValueError
    for bools or non-numbers (strings, None, ragged lists)."""
    try:
        array = _np.asarray(x)
    except ValueError:  # ragged nesting
        array = _np.asarray(x, dtype=object)
    if array.dtype == bool or not (_np.issubdtype(array.dtype, _np.integer)
                                   or _np.issubdtype(array.dtype, _np.floating)):
        raise ValueError(f"{name} must be {what} (got {x!r})")
    return array.astype(float)
