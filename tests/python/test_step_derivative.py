"""The phi' moments of step activations follow one convention: phi' is the sum of
deltas at the jumps, which makes E[phi'^2] and the CLI's chi_1 = sw2 E[phi'^2]
infinite; E[phi'(u1) phi'(u2)] is then finite for |c| < 1 (Price's theorem) and
infinite at c = 1. The NTK with derivative="true" alone takes phi' = 0 almost
everywhere (docs/python.md)."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import json_of


def test_sign_derivative_moments_are_the_deltas_closed_form():
    # sign' = 2 delta(u): E[sign'(u1) sign'(u2)] = 4 pdf2(0, 0; c) / sqrt(q1 q2)
    # = 2 / (pi sqrt(q1 q2) sqrt(1 - c^2)), infinite at c = +-1 (both jumps at 0).
    sign = qmf.activation("sign")
    c = np.array([-0.9, -0.3, 0.0, 0.5, 0.99])
    for q1, q2 in ((1.0, 1.0), (0.7, 0.7), (0.5, 2.0)):
        expected = 2 / (np.pi * math.sqrt(q1 * q2) * np.sqrt(1 - c * c))
        np.testing.assert_allclose(sign.derivative_cross_moment(q1, q2, c), expected, rtol=1e-13)
    assert sign.derivative_second_moment(0.7) == math.inf
    assert sign.derivative_cross_moment(0.7, 0.7, 1.0) == math.inf
    assert sign.derivative_cross_moment(0.5, 2.0, -1.0) == math.inf


@pytest.mark.parametrize("spec", ["quant:4", "steps:t=-0.5;0.3,y=-1;0.2;2", "lloyd:8"])
def test_step_derivative_cross_moment_is_the_slope_of_the_cross_moment(spec):
    # Price's theorem: d/dc E[phi(u1) phi(u2)] = sqrt(q1 q2) E[phi'(u1) phi'(u2)]. Equal
    # variances: the library's own slope (Plackett's kernel), to rounding. Unequal: a central
    # difference of the orthant sums of cross_moment_unequal, step 1e-4 (truncation ~1e-8
    # relative, rounding ~1e-12): 1e-6.
    phi = qmf.activation(spec)
    c = np.array([-0.8, -0.2, 0.1, 0.6, 0.95])
    q = 1.3
    np.testing.assert_allclose(q * phi.derivative_cross_moment(q, q, c),
                               phi.cross_moment_slope(q, c), rtol=1e-13)
    q1, q2, h = 0.6, 1.9, 1e-4
    slope = (phi.cross_moment_unequal(q1, q2, c + h)
             - phi.cross_moment_unequal(q1, q2, c - h)) / (2 * h)
    np.testing.assert_allclose(math.sqrt(q1 * q2) * phi.derivative_cross_moment(q1, q2, c),
                               slope, rtol=1e-6)
    # At c = 1 the pair meets every jump together: E[phi'^2] = inf, as derivative_second_moment.
    assert phi.derivative_cross_moment(q, q, 1.0) == phi.derivative_second_moment(q) == math.inf


def test_the_convention_is_the_cli_s_chi_1_and_the_ntk_s_true_derivative():
    # chi_1 = sw2 E[phi'(u)^2] at q*: inf in qmf maps --json, in qmf.maps and in LayerMap.chi_1.
    cli = json_of("maps", "--act", "quant:4", "--sw2", 1.5, "--sb2", 0.05)
    phi = qmf.activation("quant:4")
    assert cli["chi_1"] == qmf.maps(phi, 1.5, 0.05)["chi_1"] == math.inf
    assert 1.5 * phi.derivative_second_moment(cli["q_star"]) == cli["chi_1"]
    assert qmf.LayerMap(phi, qmf.Dense(1.5, 0.05)).chi_1(cli["q_star"]) == math.inf
    # The NTK's true derivative is zero almost everywhere: the last layer's NNGP alone (to
    # an ulp: the NNGP comes from the pair's gap, the NTK from its covariance).
    out = qmf.kernel("quant:4", 1.5, 0.05, depth=4, t=[-0.5, 0.2, 0.9])
    np.testing.assert_allclose(out["ntk"], out["nngp"], rtol=1e-15)
    before = qmf.KernelState.with_norms(1.0, 2.0, 0.4)
    before.ntk1 = before.ntk2 = before.ntk12 = 3.0  # a previous layer's NTK, multiplied by 0
    state = qmf.LayerMap(phi, qmf.Dense(1.5, 0.05))(before)
    assert state.ntk12 == state.q12 and state.ntk1 == state.q1 and state.ntk2 == state.q2
