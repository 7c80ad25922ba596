"""Bad input raises ValueError with the CLI's message (the field named instead
of the flag); numerical failure raises qmf.NumericalError with the CLI's exit-3 message."""
import numpy as np
import pytest

import qmf
from qmf_cli import failure, json_of

BAD_INPUT = [
    (["maps", "--act", "foo", "--sw2", 1], lambda: qmf.maps("foo", 1.0)),
    (["maps", "--act", "quant:1", "--sw2", 1], lambda: qmf.activation("quant:1")),
    (["maps", "--act", "sign", "--sw2", -1], lambda: qmf.maps("sign", -1.0)),
    (["maps", "--act", "sign", "--sw2", 1, "--sb2", -0.5], lambda: qmf.maps("sign", 1.0, -0.5)),
    (["simulate", "--act", "sign", "--sw2", 1, "--width", 1, "--depth", 3],
     lambda: qmf.simulate("sign", 1.0, 0.0, width=1, depth=3)),
    (["simulate", "--act", "sign", "--sw2", 1, "--sb2", "inf", "--width", 20, "--depth", 3],
     lambda: qmf.simulate("sign", 1.0, float("inf"), width=20, depth=3)),
    (["simulate", "--act", "tanh", "--sw2", 1, "--width", 20, "--depth", 3, "--ste-clip", 2],
     lambda: qmf.simulate("tanh", 1.0, 0.0, width=20, depth=3, ste_clip=2.0)),
]


# Level lists: the package reads them as `qmf lmax --levels` does, with its
# messages, before allocating (a range of 3e9 values once built a Python list).
BAD_LEVELS = ["2..", "2,,3", "abc", "3.5", "..4", "", "2..3000000000", "2..1000000", "5..3",
              "2.. 4", " 4", "+4", "1"]
BAD_INPUT += [(["lmax", "--levels", text], lambda text=text: qmf.lmax(text))
              for text in BAD_LEVELS]
BAD_INPUT += [(["lmax", "--levels", "2,1"], lambda: qmf.lmax([2, 1])),
              (["lmax", "--levels", "2,20000000"], lambda: qmf.lmax([2, 20000000]))]


def test_level_sequences_read_as_the_cli_reads_them():
    assert qmf.lmax([4, 3])["N"].tolist() == [3, 4]
    assert qmf.lmax("4,2..3,3")["N"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("args,call", BAD_INPUT)
def test_bad_input_is_a_value_error_with_the_cli_message(args, call):
    status, message = failure(*args)
    assert status == 2
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == message


def test_start_values_are_checked():
    with pytest.raises(ValueError, match=r"^c0 must lie in \[-1, 1\]"):
        qmf.maps("sign", 1.0, c0=2.0)
    with pytest.raises(ValueError, match=r"^q0 must be a positive finite number"):
        qmf.maps("sign", 1.0, q0=0.0)
    with pytest.raises(ValueError, match=r"^threads must be an integer in \[1, 1024\]"):
        qmf.phase("sign", [1.0], [0.0], threads=0)
    # Beyond the program's bound (review O 10: threads=100000 crashed the process in OpenMP).
    for call in (lambda: qmf.simulate("tanh", 1.5, 0, 8, 2, nets=2, threads=100000),
                 lambda: qmf.lmax([4, 8], threads=10**6)):
        with pytest.raises(ValueError, match=r"^threads must be an integer in \[1, 1024\]"):
            call()
    # An int beyond the doubles is a ValueError naming the argument (it was OverflowError).
    with pytest.raises(ValueError, match=r"^sw2 is outside the range of double precision"):
        qmf.maps("tanh", 10**400)
    with pytest.raises(ValueError, match=r"^family must be"):
        qmf.lmax([4], family="lloyd-max")


NUMERICAL = [
    (["critical", "--act", "sign", "--sb2", 0.1], lambda: qmf.critical("sign", sb2=0.1)),
    (["maps", "--act", "relu", "--sw2", 3, "--sb2", 0.1], lambda: qmf.maps("relu", 3.0, 0.1)),
    (["critical", "--act", "linear", "--sb2", 0.1], lambda: qmf.critical("linear", 0.1)),
    # An overflow (review O 11: Python returned inf where the CLI exits 3).
    (["lmax", "--levels", 4, "--k", 1e308], lambda: qmf.lmax([4], k=1e308)),
]


def test_kernel_overflow_is_a_numerical_error():
    # The CLI exits 3 (it names the NTK at t = 1 first); Python returned -inf and inf.
    with pytest.raises(qmf.NumericalError, match="overflows the range of double precision"):
        qmf.kernel("tanh", 1e308, t=5)


@pytest.mark.parametrize("args,call", NUMERICAL)
def test_numerical_failure_is_a_numerical_error_with_the_cli_message(args, call):
    status, message = failure(*args)
    assert status == 3
    with pytest.raises(qmf.NumericalError) as raised:
        call()
    assert str(raised.value) == message
    assert isinstance(raised.value, ArithmeticError)


def test_kernel_states_are_checked():
    # with_norms used to accept these, and propagate returned NaN states.
    for q1, q2, c, field in [(-1.0, 2.0, 0.3, "q1"), (float("nan"), 1.0, 0.5, "q1"),
                             (1.0, 0.0, 0.5, "q2"), (1.0, 2.0, 2.0, "c")]:
        with pytest.raises(ValueError, match=rf"^{field} must be"):
            qmf.KernelState.with_norms(q1, q2, c)
    layer = qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(1.5, 0.05))
    state = qmf.KernelState.with_norms(1.0, 2.0, 0.3)
    state.q12 = 5.0  # fields are writable: propagate checks its input
    with pytest.raises(ValueError, match=r"^q12 must be at most sqrt\(q1 q2\)"):
        qmf.propagate(layer, state, 3)



def test_version_is_the_programs():
    # Numbers saved from a notebook carry the version that made them, as the CLI's JSON does.
    assert qmf.__version__ == json_of("maps", "--act", "sign", "--sw2", 1)["version"]


def test_activation_and_moment_shapes_are_value_errors():
    # Review O 12: pybind11's multi-line TypeError for activation(None), and a
    # RuntimeError without names for shapes that do not broadcast.
    for bad in (None, 1):
        with pytest.raises(ValueError, match=r"^spec must be an activation spec string"):
            qmf.activation(bad)
    with pytest.raises(ValueError, match=r"^q, c do not broadcast together \(shapes \(3,\), \(4,\)\)"):
        qmf.activation("tanh").cross_moment(np.ones(3), np.ones(4))
