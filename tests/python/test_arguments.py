"""Arguments of the wrong type or shape raise a one-line ValueError naming the
argument (docs/python.md), before the extension sees them: pybind11 itself
would take True for 1.0, flatten a 2-D grid, and answer a float where an int
belongs (or a negative seed) with a multi-line TypeError listing the signature."""
import numpy as np
import pytest

import qmf

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
