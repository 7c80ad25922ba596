"""Arguments of the wrong type or shape raise a one-line ValueError naming the
argument (docs/python.md), before the extension sees them: pybind11 itself
would take True for 1.0, flatten a 2-D grid, and answer a float where an int
belongs (or a negative seed) with a multi-line TypeError listing the signature.
The classes' methods (Activation, Dense, LayerMap, KernelState) check theirs
alike (python/qmf/_classes.py)."""
import inspect

import numpy as np
import pytest

import qmf

TANH = qmf.activation("tanh")
LAYER = qmf.LayerMap(TANH, qmf.Dense(1.5, 0.1))
STATE = qmf.KernelState.equal_norms(1.0, 0.5)

WRONG = [
    ("sw2 must be a number (got True)", lambda: qmf.maps("tanh", True)),
    ("sb2 must be a number (got '0.1')", lambda: qmf.maps("tanh", 1.5, "0.1")),
    ("c0 must be a number (got None)", lambda: qmf.maps("tanh", 1.5, 0.1, c0=None)),
    ("depth must be an integer (got 2.5)", lambda: qmf.maps("tanh", 1.5, 0.1, depth=2.5)),
    ("depth must be an integer (got 2.0)", lambda: qmf.iterate_maps("tanh", 1.5, 0.1, depth=2.0)),
    ("k must be a number (got False)", lambda: qmf.critical("tanh", 0.1, k=False)),
    ("sw2 must be a number or a 1-D sequence of numbers (got an array of shape (2, 2))",
     lambda: qmf.phase("tanh", np.zeros((2, 2)) + 1, [0.1])),
    ("sb2 must be a number or a 1-D sequence of numbers (got [True, False])",
     lambda: qmf.phase("tanh", [1.0], [True, False])),
    ("sb2 must be a number or a 1-D sequence of numbers (got an array of shape (1, 2))",
     lambda: qmf.critical_line("tanh", [[0.1, 0.2]])),
    ("seed must be an integer >= 0 (got -1)",
     lambda: qmf.simulate("tanh", 1.5, 0.1, width=10, depth=2, seed=-1)),
    ("width must be an integer (got 10.0)",
     lambda: qmf.simulate("tanh", 1.5, 0.1, width=10.0, depth=2)),
    ("nets must be an integer (got True)",
     lambda: qmf.simulate("tanh", 1.5, 0.1, width=10, depth=2, nets=True)),
    ("threads must be an integer (got 1.5)", lambda: qmf.phase("tanh", [1.0], [0.1], threads=1.5)),
    ("depth must be an integer (got 3.5)", lambda: qmf.kernel("relu", 2.0, depth=3.5)),
    ("levels must be an integer (got 2.5)", lambda: qmf.lmax([2.5, 4])),
    # Beyond what the extension's C int (seed: uint64) holds: pybind11's TypeError before.
    ("depth must be an integer of magnitude at most 2147483647 (got 1099511627776)",
     lambda: qmf.kernel("relu", 2.0, depth=2**40)),
    ("seed must be an integer of magnitude at most 18446744073709551615 (got 18446744073709551616)",
     lambda: qmf.simulate("tanh", 1.5, 0.1, width=10, depth=2, seed=2**64)),
    # Strings, flags and objects: pybind11 answered these with its signature dump too.
    ("act must be a spec string or a qmf.Activation (got 2.5)", lambda: qmf.critical(2.5)),
    ("weights must be a string (got None)", lambda: qmf.maps("tanh", 1.5, weights=None)),
    ("weights must be a string (got 1)", lambda: qmf.phase("tanh", [1.0], [0.1], weights=1)),
    ("derivative must be a string (got True)",
     lambda: qmf.kernel("sign", 1.0, derivative=True)),
    ("quasi must be a string (got None)", lambda: qmf.kernel_spectrum("sign", 1.0, quasi=None)),
    ("t must be an integer or an array of cosines (got 'x')",
     lambda: qmf.kernel("sign", 1.0, t="x")),
    ("k must be a number (got '6')", lambda: qmf.lmax([2, 3], k="6")),
    ("exponents must be True or False (got 1)", lambda: qmf.lmax([2, 3], exponents=1)),
    ("sb2 must be a number (got [0.1])", lambda: qmf.lmax_biased([4], [0.1])),
    ("family must be a string (got None)",
     lambda: qmf.lmax_clip([4], "bits:2,rounding=stochastic-per-example", family=None)),
    ("backward must be True or False (got 'no')",
     lambda: qmf.simulate("sign", 1.0, 0.1, width=10, depth=2, backward="no")),
    ("method must be a string (got None)",
     lambda: qmf.simulate("sign", 1.0, 0.1, width=10, depth=2, method=None)),
    ("ste_window must be a pair (lo, hi) of numbers (got 2.5)",
     lambda: qmf.simulate("sign", 1.0, 0.1, width=10, depth=2, ste_window=2.5)),
    ("depth must be an integer (got [3])", lambda: qmf.propagate(
        qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(1.5)), qmf.KernelState.equal_norms(1, 0.5),
        [3])),
    ("state must be a qmf.KernelState (got 0.5)", lambda: qmf.propagate(
        qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(1.5)), 0.5, 3)),
    # Empty grids, as the CLI's empty comma lists (critical_line and kernel returned empty
    # arrays, phase raised: review K 14).
    ("sb2 must hold at least one number (got an empty sequence)",
     lambda: qmf.critical_line("tanh", [])),
    ("sw2 must hold at least one number (got an empty sequence)",
     lambda: qmf.phase("tanh", [], [0.0])),
    ("t must hold at least one cosine (got an empty array)", lambda: qmf.kernel("tanh", 1.0, t=[])),
    # The classes' methods, fields and constructors.
    ("x must be a number or an array of numbers (got 'a')", lambda: TANH.value("a")),
    ("x must be a number or an array of numbers (got True)", lambda: TANH.derivative(True)),
    ("q must be a number or an array of numbers (got None)", lambda: TANH.second_moment(None)),
    ("c must be a number or an array of numbers (got '0.5')",
     lambda: TANH.cross_moment(1.0, c="0.5")),
    ("q2 must be a number or an array of numbers (got [1, 'a'])",
     lambda: TANH.derivative_cross_moment(1.0, [1, "a"], 0.5)),
    ("sw2 must be a number (got '1.5')", lambda: qmf.Dense("1.5")),
    ("noise must be a number (got True)", lambda: qmf.Dense(1.5, noise=True)),
    ("state must be a qmf.KernelState (got 1.0)", lambda: qmf.Dense(1.5)(1.0)),
    ("act must be a spec string or a qmf.Activation (got 2)",
     lambda: qmf.LayerMap(2, qmf.Dense(1.5))),
    ("dense must be a qmf.Dense (got 1.5)", lambda: qmf.LayerMap(TANH, 1.5)),
    ("state must be a qmf.KernelState (got None)", lambda: LAYER(None)),
    ("q must be a number or an array of numbers (got 'q')", lambda: LAYER.length("q")),
    ("c must be a number or an array of numbers (got False)",
     lambda: LAYER.correlation_slope(1.0, False)),
    ("c must be a number (got [0.5])", lambda: qmf.KernelState.equal_norms(1.0, [0.5])),
    ("q1 must be a number (got None)", lambda: qmf.KernelState.with_norms(None, 1.0, 0.5)),
    ("q12 must be a number (got True)", lambda: setattr(qmf.KernelState(), "q12", True)),
]


@pytest.mark.parametrize("message,call", WRONG)
def test_a_wrong_type_is_a_one_line_value_error(message, call):
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == message


def test_numpy_scalars_and_integral_types_still_pass():
    # The checks must not refuse what worked: NumPy scalars, ints for floats, 1-D arrays.
    point = qmf.maps("tanh", np.float64(1.5), 0, depth=np.int64(2))
    assert point["sw2"] == 1.5 and len(point["layers"]) == 3
    grid = qmf.phase("tanh", np.array([1, 2]), 0.1)
    assert grid["q_star"].shape == (1, 2)
    assert list(qmf.lmax(np.arange(2, 5))["N"]) == [2, 3, 4]


def test_the_classes_take_what_they_took():
    # Floats stay floats, lists and arrays broadcast, NumPy scalars and ints pass.
    assert isinstance(TANH.value(0.5), float)
    assert TANH.value(np.float64(0.5)) == TANH.value(0.5) == np.tanh(0.5)
    assert TANH.cross_moment([1, 2], np.array([[0.1], [0.2]])).shape == (2, 2)
    assert qmf.Dense(1, 0).sw2 == 1.0
    state = qmf.KernelState()
    state.q1 = np.int64(3)
    assert state.q1 == 3.0
    by_spec = qmf.LayerMap("tanh", qmf.Dense(1.5, 0.1))  # a spec string, as in the functions
    assert by_spec.length(1.0) == LAYER.length(1.0)
    assert LAYER(STATE).q1 == LAYER.length(1.0)


def test_wrong_count_stays_pythons_type_error():
    with pytest.raises(TypeError, match="missing a required argument: 'x'"):
        TANH.value()
    with pytest.raises(TypeError, match="too many positional arguments"):
        qmf.KernelState.equal_norms(1.0, 0.5, 0.1)


def test_help_shows_the_parameters():
    assert str(inspect.signature(qmf.Dense.__init__)) == \
        "(self, /, sw2, sb2=0.0, noise=0.0)"
