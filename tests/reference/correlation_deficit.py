"""c* solved for its deficit delta = 1 - c* (theory.md 1.4), for fixed points
close to c = 1: step activations in the cusp regime (1 - c* down to 1e-511)
and smooth activations next to their order-chaos line.

At the length fixed point, C(1) = 1, so 1 - C(1 - delta) = sw2 M(delta) / q
with M = E[phi^2] - E[phi(u1) phi(u2)] computed without cancellation
(deficit_moment of the activation), and the slope is chi(delta) =
sw2 K'(1 - delta) / q (slope_near_one). The root of D(delta) = delta is found
in u = ln delta, where D ~ A sqrt(delta) (steps) or chi_1 delta (smooth) make
h(u) = ln D - u nearly linear, and mpmath's unbounded exponent holds any delta.
"""
import mpmath as mp
from mpmath import mpf

from length_map import EPS


def _h_and_slope(phi, sw2, q, u):
    """h(u) = ln D(e^u) - u and h'(u) = delta chi(delta) / D(delta) - 1."""
    delta = mp.exp(u)
    deficit = sw2 * phi.deficit_moment(q, delta) / q
    chi = sw2 * phi.slope_near_one(q, delta) / q
    return mp.log(deficit) - u, delta * chi / deficit - 1


def _bracket(phi, sw2, q):
    """u_lo < u_hi <= 0 with h(u_lo) > 0 >= h(u_hi), by doubling u = -1, -2, -4, ...
    from u = 0, where h(0) = ln(1 - C(0)) <= 0. h > 0 for u far enough below:
    D/delta grows without bound for steps, and tends to chi_1 > 1 for smooth
    activations in the chaotic phase."""
    u = mpf(-1)
    while _h_and_slope(phi, sw2, q, u)[0] <= 0:
        u *= 2
        assert u > -10 ** 5, "no sign change of D(delta) - delta"
    return u, (u / 2 if u < -1 else mpf(0))


def _safeguarded_newton(phi, sw2, q, lo, hi, tol):
    """Newton in u kept inside [lo, hi] (h(lo) > 0 > h(hi)); bisects when a step leaves it."""
    u = hi
    for _ in range(200):
        h, dh = _h_and_slope(phi, sw2, q, u)
        if h > 0:
            lo = u
        else:
            hi = u
        step = h / dh if dh != 0 else mp.inf
        u_next = u - step
        if not lo < u_next < hi:
            u_next = (lo + hi) / 2
        if abs(u_next - u) <= tol:
            return u_next
        u = u_next
    raise RuntimeError("Newton on ln(1 - c) did not converge")


def correlation_deficit_root(phi, sw2, q):
    """delta = 1 - c*, to ~1e-28 relative / (1 - chi_c), and chi_c there.
    Bracket and Newton at 18 digits to 1e-10 in ln delta, then Newton at full
    precision, which must stay within that and the 18-digit root's error,
    1e-17 / (1 - chi_c) (1 - chi_c is 1e-7 next to the order-chaos line)."""
    with mp.workdps(18):
        lo, hi = _bracket(phi, sw2, q)
        u = _safeguarded_newton(phi, sw2, q, lo, hi, mpf(10) ** -10)
    start = u
    for _ in range(10):
        h, dh = _h_and_slope(phi, sw2, q, u)
        u -= h / dh
        if abs(h / dh) <= EPS:
            break
    else:
        raise RuntimeError("full-precision Newton on ln(1 - c) did not converge")
    chi = sw2 * phi.slope_near_one(q, mp.exp(u)) / q
    assert abs(u - start) <= mpf(10) ** -9 + mpf(10) ** -17 / (1 - chi), (u, start)
    return mp.exp(u), chi


def check_deficit_forms(phi, q, eps):
    """The cancellation-free deficit and slope against the direct moments at a
    moderate eps, where E[phi^2] - cross loses only -log10(eps) digits."""
    scale = mpf(10) ** -24 * phi.second_moment(q)
    direct = phi.second_moment(q) - phi.cross(q, 1 - eps)
    assert abs(phi.deficit_moment(q, eps) - direct) <= scale, (phi.name, phi.deficit_moment(q, eps), direct)
    slope = phi.cross_slope(q, 1 - eps)
    assert abs(phi.slope_near_one(q, eps) - slope) <= scale, (phi.name, phi.slope_near_one(q, eps), slope)
