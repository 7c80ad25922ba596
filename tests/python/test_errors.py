"""Bad input raises ValueError with the CLI's message (the field named instead
of the flag); numerical failure raises qmf.NumericalError with the CLI's exit-3 message."""
import pytest

import qmf
from qmf_cli import failure

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
    with pytest.raises(ValueError, match=r"^threads must be a positive integer"):
        qmf.phase("sign", [1.0], [0.0], threads=0)
    with pytest.raises(ValueError, match=r"^family must be"):
        qmf.lmax([4], family="lloyd-max")


NUMERICAL = [
    (["critical", "--act", "sign", "--sb2", 0.1], lambda: qmf.critical("sign", sb2=0.1)),
    (["maps", "--act", "relu", "--sw2", 3, "--sb2", 0.1], lambda: qmf.maps("relu", 3.0, 0.1)),
    (["critical", "--act", "linear", "--sb2", 0.1], lambda: qmf.critical("linear", 0.1)),
]


@pytest.mark.parametrize("args,call", NUMERICAL)
def test_numerical_failure_is_a_numerical_error_with_the_cli_message(args, call):
    status, message = failure(*args)
    assert status == 3
    with pytest.raises(qmf.NumericalError) as raised:
        call()
    assert str(raised.value) == message
    assert isinstance(raised.value, ArithmeticError)
