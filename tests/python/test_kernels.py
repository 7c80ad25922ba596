"""qmf.kernel and qmf.quasi_states (the NNGP and NTK of real-weight nets and of
the quasi network of stochastically rounded binary weights) against `qmf kernel
--json` on the same input, and against closed forms. The package and the
program call the same library, so the numbers agree to rounding."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import failure, json_of

BINARY = "binary,rounding=stochastic-per-example"

CASES = [
    ("sign", 1.0, 0.05, 3, BINARY, "exact"),
    ("quant:16", 1.2, 0.1, 4, BINARY, "composed"),
    ("tanh", 1.5, 0.05, 3, BINARY, "exact"),
    ("relu", 2.0, 0.1, 3, "gaussian", "exact"),
]


@pytest.mark.parametrize("act,sw2,sb2,depth,weights,quasi", CASES)
def test_kernel_equals_cli(act, sw2, sb2, depth, weights, quasi):
    args = ["kernel", "--act", act, "--sw2", sw2, "--sb2", sb2, "--depth", depth,
            "--t-points", 21, "--weights", weights]
    if weights != "gaussian":
        args += ["--quasi", quasi]
    cli = json_of(*args)
    ours = qmf.kernel(act, sw2, sb2, depth=depth, t=21, weights=weights, quasi=quasi)
    assert ours["network"] == cli["network"]
    t = np.array([row["t"] for row in cli["kernels"]])
    np.testing.assert_array_equal(ours["t"], t)
    np.testing.assert_allclose(ours["nngp"], [row["nngp"] for row in cli["kernels"]], rtol=1e-13)
    np.testing.assert_allclose(ours["ntk"], [row["ntk"] for row in cli["kernels"]], rtol=1e-13)


def test_kernel_keeps_the_shape_of_t():
    t = np.linspace(-1, 1, 6).reshape(2, 3)
    out = qmf.kernel("erf", 1.5, 0.1, depth=2, t=t, weights=BINARY)
    assert out["nngp"].shape == (2, 3) and out["ntk"].shape == (2, 3)


def test_relu_kernels_are_the_arc_cosine_closed_forms():
    # Depth 2, sb2 = 0, q0 = 1, sw2 = 2: q = 2 at every layer, and
    # NNGP = 2 (sin a + (pi - a) cos a) / pi, a = acos t; NTK = NNGP + t (pi - a) / pi * 2.
    t = np.array([-0.5, 0.0, 0.3, 0.9])
    out = qmf.kernel("relu", 2.0, 0.0, depth=2, t=t)
    a = np.arccos(t)
    nngp = 2 * (np.sin(a) + (np.pi - a) * np.cos(a)) / np.pi
    np.testing.assert_allclose(out["nngp"], nngp, rtol=1e-12)
    np.testing.assert_allclose(out["ntk"], nngp + 2 * t * (np.pi - a) / np.pi, rtol=1e-12)


def test_quasi_states_first_layer_and_last_layer():
    # Layer 1 (docs/kernels.md): q = sw2 a q0 + sb2 (a = E[Q^2] = 1), K = sw2 s q0 + sb2,
    # K12 = sw2 s q0 t + sb2, Theta12 = sw2 q0 t + sb2; the last layer is qmf.kernel's.
    sw2, sb2, t = 1.3, 0.1, 0.4
    states = qmf.quasi_states("sign", sw2, sb2, depth=4, t=t)
    s = states["theta_second_moment"]
    assert 0 < s < 1
    assert math.isclose(states["q"][0], sw2 + sb2, rel_tol=1e-15)
    assert math.isclose(states["k"][0], sw2 * s + sb2, rel_tol=1e-15)
    assert math.isclose(states["k12"][0], sw2 * s * t + sb2, rel_tol=1e-15)
    assert math.isclose(states["ntk12"][0], sw2 * t + sb2, rel_tol=1e-15)
    last = qmf.kernel("sign", sw2, sb2, depth=4, t=[t], weights=BINARY)
    assert math.isclose(states["k12"][-1], last["nngp"][0], rel_tol=1e-13)
    assert math.isclose(states["ntk12"][-1], last["ntk"][0], rel_tol=1e-13)


def test_bad_input_raises_the_cli_message():
    with pytest.raises(ValueError) as e:
        qmf.kernel("sign", 1.0, weights="binary")
    assert "rounding=stochastic-per-example" in str(e.value)
    with pytest.raises(ValueError, match="depth"):
        qmf.kernel("sign", 1.0, depth=0)
    with pytest.raises(ValueError, match="quasi"):
        qmf.kernel("sign", 1.0, quasi="composed")
    with pytest.raises(ValueError, match=r"^t as a number of cosines must be at least 2 \(got 1\)"):
        qmf.kernel("sign", 1.0, t=1)
    status, _ = failure("kernel", "--act", "sign", "--sw2", 1, "--depth", 0)
    assert status == 2
