"""qmf.kernel_spectrum (Mercer spectra of the NNGP and NTK on the sphere, decay
fits, matched Gaussian and Laplace references) against `qmf kernel --eigen
--json`'s spectra, and against closed forms and a quadrature of its own."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import close, json_of

BINARY = "binary,rounding=stochastic-per-example"

CASES = [  # act, sw2, sb2, depth, dim, degrees, extra arguments as (python, cli)
    ("sign", 1.0, 0.0, 3, 10, 20, {}),
    ("quant:16", 1.2, 0.05, 3, 784, 12, {"derivative": "ste", "ste_clip": 0.5}),
    ("sign", 1.0, 0.05, 3, 20, 15, {"weights": BINARY, "quasi": "composed"}),
    ("relu", 2.0, 0.1, 4, 3, 30, {"q0": 2.0}),
    ("linear", 1.0, 0.0, 2, 5, 10, {}),  # one non-zero eigenvalue: no fits (None)
]


def _as_lists(spectrum):
    if spectrum is None:
        return None
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in spectrum.items()}


@pytest.mark.parametrize("act,sw2,sb2,depth,dim,degrees,extra", CASES)
def test_spectra_equal_cli(act, sw2, sb2, depth, dim, degrees, extra):
    flags = [x for k, v in extra.items() for x in ("--" + k.replace("_", "-"), v)]
    cli = json_of("kernel", "--act", act, "--sw2", sw2, "--sb2", sb2, "--depth", depth,
                  "--dim", dim, "--eigen", degrees, "--t-points", 2, *flags)
    ours = qmf.kernel_spectrum(act, sw2, sb2, depth=depth, dim=dim, degrees=degrees, **extra)
    assert ours["network"] == cli["network"] and ours["derivative"] == cli["derivative"]
    if "ste_slope" in cli:
        assert ours["ste_slope"] == cli["ste_slope"]
    spectra = cli["spectra"]
    assert close(ours["matched_value_at_half"], spectra["matched_value_at_half"])
    for name in ("nngp", "ntk", "gaussian", "laplace"):
        # The CLI prints 17 significant digits, and the library is the same: 1e-13.
        assert close(_as_lists(ours[name]), spectra[name]), name
    if act == "linear":
        assert ours["nngp"]["exponential"] is None and "fit_degrees" not in ours["nngp"]


@pytest.mark.parametrize("dim", [3, 784])
def test_linear_net_spectra_are_the_closed_form(dim):
    # Linear phi, depth 2: Sigma^1 = Theta^1 = sw2 q0 t + sb2, Sigma^2 = sw2 Sigma^1 + sb2,
    # Theta^2 = Sigma^2 + sw2 Theta^1 (E[phi' phi'] = 1). K(t) / K(1) = a t + b has
    # lambda_0 = b / (a + b), lambda_1 = a / (a + b) E[t^2] = a / ((a + b) d), no others.
    sw2, sb2, q0 = 1.5, 0.2, 1.0
    out = qmf.kernel_spectrum("linear", sw2, sb2, depth=2, dim=dim, degrees=6, q0=q0)
    slope_nngp, offset_nngp = sw2 * sw2 * q0, sw2 * sb2 + sb2
    slope_ntk, offset_ntk = 2 * slope_nngp, offset_nngp + sw2 * sb2
    for name, a, b in (("nngp", slope_nngp, offset_nngp), ("ntk", slope_ntk, offset_ntk)):
        lam = out[name]["eigenvalues"]
        assert math.isclose(lam[0], b / (a + b), rel_tol=1e-13)
        assert math.isclose(lam[1], a / ((a + b) * dim), rel_tol=1e-13)
        assert np.all(np.abs(lam[2:]) <= out[name]["floors"][2:])  # rounding only
        assert out[name]["exponential"] is None


def test_erf_spectrum_on_s2_is_legendre_projection():
    # On S^2 (d = 3) t is uniform on [-1, 1] and P_k is Legendre's: lambda_k =
    # 1/2 int K(t) P_k(t) dt. The erf net's kernel is analytic on [-1, 1], so 120-point
    # Gauss-Legendre (numpy's nodes, not the library's Gauss-Jacobi) is exact to
    # rounding: tolerance 1e-12 of lambda_0.
    sw2, sb2, depth, degrees = 1.7, 0.05, 3, 25
    out = qmf.kernel_spectrum("erf", sw2, sb2, depth=depth, dim=3, degrees=degrees)
    t, w = np.polynomial.legendre.leggauss(120)
    k = qmf.kernel("erf", sw2, sb2, depth=depth, t=np.append(t, 1.0))
    for name in ("nngp", "ntk"):
        values = k[name][:-1] / k[name][-1]
        expected = [0.5 * np.sum(w * values * np.polynomial.legendre.Legendre.basis(n)(t))
                    for n in range(degrees + 1)]
        lam = out[name]["eigenvalues"]
        np.testing.assert_allclose(lam, expected, rtol=0, atol=1e-12 * lam[0])
        # The fits are straight lines through the resolved degrees (numpy's least squares).
        resolved = [n for n in range(1, degrees + 1)
                    if lam[n] > out[name]["floors"][n] and lam[n] > 0]
        assert out[name]["fit_degrees"] == len(resolved) >= 3
        slope = np.polyfit(resolved, np.log(lam[resolved]), 1)[0]
        assert math.isclose(out[name]["exponential"]["slope"], slope, rel_tol=1e-10)
        slope = np.polyfit(np.log(resolved), np.log(lam[resolved]), 1)[0]
        assert math.isclose(out[name]["power"]["slope"], slope, rel_tol=1e-10)


def test_gaussian_reference_on_s2_is_the_bessel_closed_form():
    # exp((t - 1) / l^2) on S^2: lambda_k = e^(-r) i_k(r), r = 1 / l^2, i_k the modified
    # spherical Bessel functions (i_0 = sinh r / r, i_1 = cosh r / r - sinh r / r^2,
    # i_(k+1) = i_(k-1) - (2k + 1) i_k / r; upward, which loses ~1 digit per degree at r ~ 1:
    # degrees 0..4 to 1e-11). The bandwidths match rho = NNGP(1/2) / NNGP(1).
    out = qmf.kernel_spectrum("sign", 1.0, 0.0, depth=2, dim=3, degrees=4)
    rho = out["matched_value_at_half"]
    assert math.isclose(rho, 2 / math.pi * math.asin(0.5), rel_tol=1e-14)  # sign, depth 2
    l_gauss = out["gaussian"]["bandwidth"]
    assert math.isclose(math.exp(-0.5 / l_gauss**2), rho, rel_tol=1e-14)
    assert math.isclose(math.exp(-1 / out["laplace"]["bandwidth"]), rho, rel_tol=1e-14)
    r = 1 / l_gauss**2
    i = [math.sinh(r) / r, math.cosh(r) / r - math.sinh(r) / r**2]
    for n in range(1, 4):
        i.append(i[n - 1] - (2 * n + 1) * i[n] / r)
    np.testing.assert_allclose(out["gaussian"]["eigenvalues"], np.exp(-r) * np.array(i),
                               rtol=1e-11)


BAD = [
    ("degrees must be an integer in [1, 1000] (got 0)", {"degrees": 0}),
    ("dim must be an integer in [3, 100000] (got 2)", {"dim": 2}),
    ("degrees must be an integer (got 2.5)", {"degrees": 2.5}),
    ("ste_slope applies to derivative ste only", {"ste_slope": 1.0}),
]


@pytest.mark.parametrize("message,kwargs", BAD)
def test_bad_arguments(message, kwargs):
    with pytest.raises(ValueError) as raised:
        qmf.kernel_spectrum("sign", 1.0, **kwargs)
    assert str(raised.value) == message
