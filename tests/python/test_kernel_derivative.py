"""qmf.kernel's derivative kernel (derivative="true" | "ste", ste_slope, ste_clip)
against `qmf kernel --derivative ... --json` on the same input, and the STE NTK of
a sign net at depth 2 against its closed form."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import failure, json_of

STE_CASES = [  # act, sw2, sb2, depth, q0, ste_slope, ste_clip
    ("sign", 1.0, 0.0, 3, 1.0, None, None),
    ("sign", 1.3, 0.1, 4, 2.0, None, 0.5),
    ("quant:4", 1.5, 0.05, 3, 1.0, 2.0, 0.5),
    ("steps:t=-0.5;0.5,y=-1;0;1", 1.2, 0.05, 5, 1.0, 0.7, None),
]


@pytest.mark.parametrize("act,sw2,sb2,depth,q0,slope,clip", STE_CASES)
def test_ste_kernel_equals_cli(act, sw2, sb2, depth, q0, slope, clip):
    args = ["kernel", "--act", act, "--sw2", sw2, "--sb2", sb2, "--depth", depth, "--q0", q0,
            "--t-points", 21, "--derivative", "ste"]
    if slope is not None:
        args += ["--ste-slope", slope]
    if clip is not None:
        args += ["--ste-clip", clip]
    cli = json_of(*args)
    ours = qmf.kernel(act, sw2, sb2, depth=depth, t=21, q0=q0, derivative="ste",
                      ste_slope=slope, ste_clip=clip)
    assert ours["derivative"] == cli["derivative"] == "ste"
    # The CLI prints 17 significant digits: the resolved slope round-trips.
    assert ours["ste_slope"] == cli["ste_slope"] and ours["ste_clip"] == cli["ste_clip"]
    np.testing.assert_allclose(ours["nngp"], [row["nngp"] for row in cli["kernels"]], rtol=1e-13)
    np.testing.assert_allclose(ours["ntk"], [row["ntk"] for row in cli["kernels"]], rtol=1e-13)


def test_true_derivative_is_the_default_and_the_cli_s():
    cli = json_of("kernel", "--act", "quant:4", "--sw2", 1.5, "--depth", 3, "--t-points", 5)
    ours = qmf.kernel("quant:4", 1.5, depth=3, t=5)
    assert ours["derivative"] == cli["derivative"] == "true" and "ste_slope" not in ours
    np.testing.assert_allclose(ours["ntk"], [row["ntk"] for row in cli["kernels"]], rtol=1e-13)


def _box_probability(a, rho):
    """P(|z1| <= a, |z2| <= a) for a standard bivariate normal with correlation rho,
    as the integral over z1 of phi(z1) P(|z2| <= a | z1) by 200-point Gauss-Legendre
    (the integrand is analytic on [-a, a]: the rule's error is far below 1e-15)."""
    if rho == 1.0:  # z2 = z1
        return math.erf(a / math.sqrt(2.0))
    x, w = np.polynomial.legendre.leggauss(200)
    z1 = a * x
    r = math.sqrt(1.0 - rho * rho)
    cdf = np.vectorize(lambda z: 0.5 * math.erfc(-z / math.sqrt(2.0)))
    conditional = cdf((a - rho * z1) / r) - cdf((-a - rho * z1) / r)
    return a * np.sum(w * np.exp(-0.5 * z1 * z1) / math.sqrt(2 * math.pi) * conditional)


@pytest.mark.parametrize("clip", [None, 0.4])
def test_sign_ste_ntk_at_depth_2_is_the_closed_form(clip):
    # Depth 2 (docs/kernels.md): Sigma^1 = Theta^1 = sw2 q0 t + sb2 =: k1, q1 = sw2 q0 + sb2,
    # c1 = k1 / q1; Sigma^2 = sw2 (2/pi) asin(c1) + sb2 and
    # Theta^2 = Sigma^2 + sw2 s^2 P(|u1|, |u2| <= tau) Theta^1. sign's length map is
    # q' = sw2 + sb2 from any q, so the default slope is 1 / (sw2 erf(tau / sqrt(2 q*))) ^ 1/2
    # with q* = sw2 + sb2. Tolerance 1e-12: the library's orthant engine is exact to ~1e-15.
    sw2, sb2, q0 = 1.3, 0.1, 1.5
    tau = 1.0 if clip is None else clip
    t = np.array([-0.6, 0.0, 0.4, 0.9, 1.0])
    out = qmf.kernel("sign", sw2, sb2, depth=2, t=t, q0=q0, derivative="ste", ste_clip=clip)
    slope = 1.0 / math.sqrt(sw2 * math.erf(tau / math.sqrt(2.0 * (sw2 + sb2))))
    assert math.isclose(out["ste_slope"], slope, rel_tol=1e-14)
    q1 = sw2 * q0 + sb2
    k1 = sw2 * q0 * t + sb2
    c1 = k1 / q1
    nngp = sw2 * 2.0 / math.pi * np.arcsin(c1) + sb2
    box = np.array([_box_probability(tau / math.sqrt(q1), min(c, 1.0)) for c in c1])
    np.testing.assert_allclose(out["nngp"], nngp, rtol=1e-12)
    np.testing.assert_allclose(out["ntk"], nngp + sw2 * slope**2 * box * k1, rtol=1e-12)


BAD = [  # kwargs of qmf.kernel("sign", 1.0, ...) and the matching CLI flags
    ({"ste_slope": 2.0}, ["--ste-slope", 2]),
    ({"ste_clip": 0.5}, ["--ste-clip", 0.5]),
    ({"derivative": "ste", "ste_clip": -1.0}, ["--derivative", "ste", "--ste-clip", -1]),
    ({"derivative": "ste", "ste_slope": 0.0}, ["--derivative", "ste", "--ste-slope", 0]),
    ({"derivative": "fake"}, ["--derivative", "fake"]),
    ({"derivative": "ste", "weights": "binary,rounding=stochastic-per-example"},
     ["--derivative", "ste", "--weights", "binary,rounding=stochastic-per-example"]),
]


@pytest.mark.parametrize("kwargs,flags", BAD)
def test_bad_derivative_arguments_raise_the_cli_message(kwargs, flags):
    with pytest.raises(ValueError) as raised:
        qmf.kernel("sign", 1.0, **kwargs)
    status, message = failure("kernel", "--act", "sign", "--sw2", 1, *flags)
    assert status == 2 and str(raised.value) == message


def test_ste_needs_a_step_activation():
    with pytest.raises(ValueError, match="step activations only"):
        qmf.kernel("tanh", 1.0, derivative="ste")
    with pytest.raises(ValueError, match="ste_slope must be a number"):
        qmf.kernel("sign", 1.0, derivative="ste", ste_slope="2")


@pytest.mark.parametrize("act,sb2", [("tanh", 0.05), ("quant:16", 0.0)])
def test_critical_weight_variance_is_the_cli_s(act, sb2):
    # sw2="crit": the sigma_w^2 of qmf.critical at sb2, as `qmf kernel --sw2 crit`.
    cli = json_of("kernel", "--act", act, "--sw2", "crit", "--sb2", sb2, "--depth", 3,
                  "--t-points", 5)
    ours = qmf.kernel(act, "crit", sb2, depth=3, t=5)
    point = qmf.critical(act, sb2)
    assert ours["sw2"] == cli["sw2"] == point.get("sw2_opt", point.get("sw2_crit"))
    assert ours["sw2_choice"] == cli["sw2_choice"] == "critical"
    np.testing.assert_allclose(ours["ntk"], [row["ntk"] for row in cli["kernels"]], rtol=1e-13)
    spectrum = qmf.kernel_spectrum(act, "crit", sb2, depth=3, dim=10, degrees=4)
    assert spectrum["sw2"] == ours["sw2"] and spectrum["sw2_choice"] == "critical"
    assert qmf.kernel(act, 1.5, sb2, depth=3, t=5)["sw2_choice"] == "given"
