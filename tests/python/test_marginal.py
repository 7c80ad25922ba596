"""Marginal length fixed points in the package as in `qmf maps --json`: the
identity map of relu at sw2 = 2 (every q fixed, q0 kept) and the marginal
q* = 0 at the end of tanh's order-chaos line (sb2 = 0, sw2 = 1)."""
import pytest

import qmf
from qmf_cli import close, failure, json_of

KEYS = ("q_star", "q_fixed_points", "every_q_fixed", "c_star", "chi_q", "chi_c", "chi_1", "xi_q",
        "xi_c")


@pytest.mark.parametrize("act,sw2,q0", [("relu", 2.0, 3.0), ("linear", 1.0, 1.0),
                                        ("tanh", 1.0, 1.0), ("tanh", 1.5, 1.0)])
def test_maps_reports_marginal_points_as_the_cli(act, sw2, q0):
    cli = json_of("maps", "--act", act, "--sw2", sw2, "--q0", q0)
    package = qmf.maps(act, sw2, q0=q0)
    for key in KEYS:
        assert close(package[key], cli[key]), key


def test_every_q_fixed_lists_q0_alone():
    point = qmf.maps("relu", 2.0, q0=3.0)
    assert point["every_q_fixed"] is True and point["q_star"] == 3.0
    assert point["q_fixed_points"] == [{"q": 3.0, "chi_q": 1.0, "stable": False, "marginal": True}]


def test_q0_star_at_the_marginal_collapse_is_a_numerical_error_as_in_the_cli():
    status, message = failure("maps", "--act", "tanh", "--sw2", 1, "--q0", "star")
    assert status == 3
    with pytest.raises(qmf.NumericalError) as raised:
        qmf.maps("tanh", 1.0, q0="star")
    assert str(raised.value) == message
