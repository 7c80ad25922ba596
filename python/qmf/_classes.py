# SPDX-License-Identifier: GPL-3.0-or-later
"""Argument checks for the extension's classes, installed on the classes themselves.

The classes (Activation, Dense, LayerMap, KernelState) are pybind11's, created in
C++ as often as in Python (qmf.activation, LayerMap.dense, a layer's output), so
their methods are replaced in place rather than subclassed: every instance, from
wherever it came, answers a wrong argument type with one ValueError line naming
the argument, as the package's functions do, instead of pybind11's multi-line
TypeError (or its silent True -> 1.0). A wrong number of arguments stays
Python's own one-line TypeError.
"""

import inspect as _inspect

import numpy as _np

from ._common import Activation, _act, _number, _numbers_array, _qmf

Dense = _qmf.Dense
KernelState = _qmf.KernelState
LayerMap = _qmf.LayerMap


def _state(name, x):
    if not isinstance(x, KernelState):
        raise ValueError(f"{name} must be a qmf.KernelState (got {x!r})")
    return x


def _dense(name, x):
    if not isinstance(x, Dense):
        raise ValueError(f"{name} must be a qmf.Dense (got {x!r})")
    return x


def _array(name, x):
    _numbers_array(name, x)
    return x  # unchanged: a float stays a float, a list an array


def _broadcast(arrays):
    """ValueError naming the arguments unless they broadcast together (pybind11's
    vectorize would raise a RuntimeError without names)."""
    if len(arrays) < 2:
        return
    shapes = {p: _np.shape(v) for p, v in arrays.items()}
    try:
        _np.broadcast_shapes(*shapes.values())
    except ValueError:
        raise ValueError(f"{', '.join(shapes)} do not broadcast together (shapes "
                         f"{', '.join(str(s) for s in shapes.values())})") from None


def _install(cls, name, checks, defaults=None, static=False):
    """cls.name(*args) checked: `checks` maps each parameter after self, in order,
    to its check; `defaults` gives the optional ones their values."""
    original = getattr(cls, name)
    defaults = defaults or {}
    parameters = _inspect.Signature([
        _inspect.Parameter(p, _inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           default=defaults.get(p, _inspect.Parameter.empty))
        for p in checks])

    def call(args, kwargs):
        bound = parameters.bind(*args, **kwargs)
        bound.apply_defaults()
        values = [checks[p](p, v) for p, v in bound.arguments.items()]
        _broadcast({p: v for p, v in bound.arguments.items() if checks[p] is _array})
        return values

    if static:
        def method(*args, **kwargs):
            return original(*call(args, kwargs))
    else:
        def method(self, *args, **kwargs):
            return original(self, *call(args, kwargs))
    method.__name__, method.__qualname__ = name, f"{cls.__name__}.{name}"
    method.__doc__ = original.__doc__
    this = [] if static else [_inspect.Parameter("self", _inspect.Parameter.POSITIONAL_ONLY)]
    method.__signature__ = parameters.replace(parameters=this + list(parameters.parameters.values()))
    setattr(cls, name, staticmethod(method) if static else method)


def _install_field(cls, name):
    """A number field (KernelState.q1, ...) whose setter checks its value."""
    field = cls.__dict__[name]
    setattr(cls, name, property(field.fget, lambda self, v: field.fset(self, _number(name, v)),
                                doc=field.__doc__))


_point = {"x": _array}
_variance = {"q": _array}
_pair = {"q": _array, "c": _array}
_unequal = {"q1": _array, "q2": _array, "c": _array}
_on_state = {"state": _state}

for _name in ("value", "derivative"):
    _install(Activation, _name, _point)
for _name in ("mean", "second_moment", "second_moment_slope", "derivative_second_moment",
              "input_moment"):
    _install(Activation, _name, _variance)
for _name in ("cross_moment", "cross_moment_deficit", "cross_moment_slope"):
    _install(Activation, _name, _pair)
for _name in ("cross_moment_unequal", "derivative_cross_moment"):
    _install(Activation, _name, _unequal)

_install(Dense, "__init__", {"sw2": _number, "sb2": _number, "noise": _number},
         defaults={"sb2": 0.0, "noise": 0.0})
_install(Dense, "__call__", _on_state)

# act may be a spec string here too, as everywhere else in the package.
_install(LayerMap, "__init__", {"act": lambda _, a: _act(a), "dense": _dense})
_install(LayerMap, "__call__", _on_state)
for _name in ("length", "length_slope", "chi_1"):
    _install(LayerMap, _name, _variance)
for _name in ("covariance", "correlation_complement", "correlation_slope"):
    _install(LayerMap, _name, _pair)

_install(KernelState, "equal_norms", {"q": _number, "c": _number}, static=True)
_install(KernelState, "with_norms", {"q1": _number, "q2": _number, "c": _number}, static=True)
for _name in ("q1", "q2", "q12", "gap", "ntk1", "ntk2", "ntk12"):
    _install_field(KernelState, _name)
