"""qmf.activation: spec and kind as the CLI reports them, moments against
closed forms, vectorisation with NumPy broadcasting."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import json_of


@pytest.mark.parametrize("spec", ["quant:16", "sign", "tanh", "lloyd:4,S=2", "steps:t=0,y=0;1"])
def test_spec_and_kind_match_the_cli(spec):
    phi = qmf.activation(spec)
    cli = json_of("maps", "--act", spec, "--sw2", 1.5, "--sb2", 0.05)
    assert phi.spec == cli["act"]
    assert phi.is_step == (cli["chi_1"] == math.inf)
    # q* is a fixed point of the length map, through the object's moment.
    q = cli["q_star"]
    assert math.isclose(1.5 * phi.second_moment(q) + 0.05, q, rel_tol=1e-9)


def test_sign_moments_have_their_closed_forms():
    # E[sign(u1) sign(u2)] = (2/pi) arcsin(c) for any q; the deficit is 1 minus that.
    sign = qmf.activation("sign")
    c = np.linspace(-1, 1, 9)
    assert np.allclose(sign.cross_moment(2.0, c), 2 / np.pi * np.arcsin(c), rtol=0, atol=1e-14)
    assert np.allclose(sign.cross_moment_deficit(2.0, c), 1 - 2 / np.pi * np.arcsin(c),
                       rtol=0, atol=1e-14)
    assert sign.mean(3.0) == 0.0 and sign.second_moment(3.0) == 1.0


def test_relu_moments_have_their_closed_forms():
    # E[relu(u)] = sqrt(q / 2 pi), E[relu(u)^2] = q / 2.
    relu = qmf.activation("relu")
    q = np.array([0.5, 1.0, 4.0])
    assert np.allclose(relu.mean(q), np.sqrt(q / (2 * np.pi)), rtol=1e-14)
    assert np.allclose(relu.second_moment(q), q / 2, rtol=1e-14)


def test_broadcasting_and_scalars():
    phi = qmf.activation("quant:16")
    q = np.array([[0.5], [1.0], [2.0]])
    c = np.array([[0.0, 0.3, 0.6, 0.9]])
    for method in (phi.cross_moment, phi.cross_moment_deficit, phi.cross_moment_slope):
        grid = method(q, c)
        assert grid.shape == (3, 4)
        assert grid[2, 1] == method(2.0, 0.3)  # element = scalar call
    assert isinstance(phi.mean(1.0), float)
    assert phi.second_moment(q).shape == (3, 1)
    # Deficit + cross moment = second moment (the deficit's definition).
    assert np.allclose(phi.cross_moment_deficit(q, c) + phi.cross_moment(q, c),
                       phi.second_moment(q), rtol=1e-13)


def test_bad_arguments_raise_value_error():
    phi = qmf.activation("tanh")
    with pytest.raises(ValueError, match=r"^q must be a positive finite number \(got -1\)"):
        phi.mean(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"^c must lie in \[-1, 1\]"):
        phi.cross_moment(1.0, 1.5)


def test_nan_inputs_raise_instead_of_becoming_a_level():
    # A step activation compares x with its thresholds; NaN fails every
    # comparison and used to come back as the top level (review of 30 Nov).
    phi = qmf.activation("quant:16")
    assert list(phi.value(np.array([-np.inf, np.inf]))) == [-1.0, 1.0]
    with pytest.raises(ValueError, match=r"^x must be a number or \+-inf \(got nan\)"):
        phi.value(np.array([0.5, np.nan]))
    with pytest.raises(ValueError, match="got nan"):
        qmf.activation("tanh").derivative(np.nan)


def test_is_odd_names_the_odd_activations():
    for spec in ("tanh", "erf", "sign", "quant:16", "lloyd:8", "hardtanh", "linear"):
        assert qmf.activation(spec).is_odd, spec
    for spec in ("relu", "gelu", "sigmoid", "qrelu:4", "steps:t=-1;1,y=-1;0;2"):
        assert not qmf.activation(spec).is_odd, spec
