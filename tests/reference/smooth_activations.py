"""Smooth and piecewise-linear activations (tanh, hard-tanh, erf, relu,
linear, elu, selu, gelu) and their Gaussian kernel in mpmath, written from docs/theory.md."""
import mpmath as mp
from mpmath import mpf

from gaussian_rules import gauss_expect, hermite_rule, legendre_rule, pdf, upper_tail


class Smooth:
    """A smooth or piecewise-linear activation phi with derivative dphi.

    cross(q, c) = E[phi(u1) phi(u2)] and its slope in c by Price's theorem,
    q E[phi'(u1) phi'(u2)], are two-dimensional integrals written as the
    one-dimensional integral (adaptive, over u1) of the conditional expectation
    of f(u2) given u1, u2 = c u1 + s z2 with s = sqrt(q (1 - c^2)). The
    conditional expectation is a composite Gauss-Legendre sum (a fixed rule, so
    that the outer integrand is smooth in u1) unless the activation supplies it
    in closed form (hard-tanh, relu).
    """

    is_step = False

    def __init__(self, name, phi, dphi, kinks=(), conditional=None, difference=None):
        self.name, self.phi, self.dphi, self.kinks = name, phi, dphi, tuple(mpf(k) for k in kinks)
        self.conditional = conditional or self._legendre
        self.difference = difference or (lambda a, m, s: self._legendre(lambda x: (a - phi(x)) ** 2, m, s))

    def _legendre(self, f, m, s):
        """E[f(m + s z)]: for s > 1/5 by composite Gauss-Legendre over |z| <= 13 (p(13) ~ 1e-37).
        f may have poles at distance d = pi / (2 s) from the real z axis (tanh);
        panels of width min(2, d) keep them twice a half-width away, where 24
        nodes per panel converge like (2 + sqrt 5)^-48 ~ 1e-30."""
        if s <= mpf(1) / 5:
            # Poles at least 2.5 pi away: 60-node Gauss-Hermite is good to ~1e-30
            # (check_conditional; at s = 0.5 it is off by 5e-19).
            x, w = hermite_rule(60)
            return mp.fsum(wi * f(m + s * xi) for xi, wi in zip(x, w))
        x, w = legendre_rule(24 if mp.mp.dps >= 25 else 12)
        width = min(mpf(2), mp.pi / (2 * s))
        panels = int(mp.ceil(26 / width))
        half = mpf(13) / panels
        total = []
        for k in range(panels):
            mid = -13 + (2 * k + 1) * half
            total.extend(wi * f(m + s * (mid + half * xi)) * pdf(mid + half * xi) for xi, wi in zip(x, w))
        return half * mp.fsum(total)

    def _pair(self, f, q, c):
        if c == 0:  # independent inputs
            return gauss_expect(f, 0, mp.sqrt(q), self.kinks) ** 2
        s = mp.sqrt(q * (1 - c * c))
        if s == 0:
            return gauss_expect(lambda u: f(u) ** 2, 0, mp.sqrt(q), self.kinks)
        return gauss_expect(lambda u1: f(u1) * self.conditional(f, c * u1, s), 0, mp.sqrt(q), self.kinks)

    def mean(self, q):
        return gauss_expect(self.phi, 0, mp.sqrt(q), self.kinks)

    def second_moment(self, q):
        return gauss_expect(lambda u: self.phi(u) ** 2, 0, mp.sqrt(q), self.kinks)

    def second_moment_slope(self, q):
        """d/dq E[phi(u)^2] = E[phi(u) phi'(u) u] / q (theory.md 1.2)."""
        f = lambda u: self.phi(u) * self.dphi(u) * u
        return gauss_expect(f, 0, mp.sqrt(q), self.kinks) / q

    def derivative_second_moment(self, q):
        return gauss_expect(lambda u: self.dphi(u) ** 2, 0, mp.sqrt(q), self.kinks)

    def cross(self, q, c):
        return self._pair(self.phi, q, c)

    def cross_slope(self, q, c):
        return q * self._pair(self.dphi, q, c)

    def _near_one(self, g, q, eps, small=False):
        """E[g(u1, m, s)] over u1 with m = (1 - eps) u1 and s = sqrt(q eps (2 - eps)),
        the conditional mean and width of u2 at c = 1 - eps, taken from eps so that
        s keeps its relative precision as eps -> 0. The integrand changes on the
        scale s around each kink, hence the extra cuts there. A `small` result,
        of order s^2, is integrated relative to s^2 (gauss_expect's scale)."""
        s = mp.sqrt(q * eps * (2 - eps))
        cuts = [k + j * s for k in self.kinks for j in (-8, -1, 0, 1, 8)]
        return gauss_expect(lambda u1: g(u1, (1 - eps) * u1, s), 0, mp.sqrt(q), cuts, s * s if small else 1)

    def deficit_moment(self, q, eps):
        """E[phi^2] - E[phi(u1) phi(u2)] = E[(phi(u1) - phi(u2))^2] / 2 at c = 1 - eps,
        without the cancellation of the difference of the two moments."""
        return self._near_one(lambda u1, m, s: self.difference(self.phi(u1), m, s), q, eps, small=True) / 2

    def slope_near_one(self, q, eps):
        """cross_slope at c = 1 - eps, with the conditional width taken from eps."""
        return q * self._near_one(lambda u1, m, s: self.dphi(u1) * self.conditional(self.dphi, m, s), q, eps)


def check_conditional():
    """Both rules of Smooth._legendre against an adaptive quadrature, for tanh,
    on either side of where they meet (s = 1/5) and at s = 1.8."""
    phi = smooth("tanh")
    for m in (mpf(0), mpf("0.3"), mpf("1.1"), mpf(2)):
        for s in (mpf("0.05"), mpf("0.2"), mpf("0.2000001"), mpf("0.5"), mpf("1.8")):
            assert abs(phi._legendre(mp.tanh, m, s) - gauss_expect(mp.tanh, m, s, ())) < mpf(10) ** -28


def _relu_conditional(f, m, s):
    """E[f(m + s z)] in closed form for f = relu or its derivative 1{x > 0}."""
    if f(mpf(2)) == 1:  # the derivative
        return mp.ncdf(m / s)
    return m * mp.ncdf(m / s) + s * pdf(m / s)


def _hardtanh_difference(a, m, s):
    """E[(a - hard-tanh(m + s z))^2] in closed form: the two clipped tails plus
    the partial moments of z on (lo, hi): int p = P, int z p = p(lo) - p(hi),
    int z^2 p = P + lo p(lo) - hi p(hi)."""
    lo, hi = (-1 - m) / s, (1 - m) / s
    inside = mp.ncdf(hi) - mp.ncdf(lo)
    return ((a + 1) ** 2 * mp.ncdf(lo) + (a - 1) ** 2 * upper_tail(hi) + (a - m) ** 2 * inside
            - 2 * (a - m) * s * (pdf(lo) - pdf(hi)) + s * s * (inside + lo * pdf(lo) - hi * pdf(hi)))


def _hardtanh_conditional(f, m, s):
    """E[f(m + s z)] in closed form for f = hard-tanh or its derivative 1{|x| < 1}."""
    lo, hi = (-1 - m) / s, (1 - m) / s
    inside = mp.ncdf(hi) - mp.ncdf(lo)
    if f(mpf(2)) == 0:  # the derivative
        return inside
    return upper_tail(hi) - mp.ncdf(lo) + m * inside + s * (pdf(lo) - pdf(hi))


def _elu(spec, alpha, scale):
    """scale (x for x > 0, alpha (e^x - 1) otherwise), with E[f(m + s z)] in
    closed form for f = phi and phi': E[e^x; x <= 0] = e^(m + s^2/2) Phi(-(m + s^2)/s)
    and E[x; x > 0] = m Phi(m/s) + s p(m/s) for x ~ N(m, s^2)."""
    def phi(x):
        return scale * (x if x > 0 else alpha * mp.expm1(x))

    def dphi(x):
        return scale * (1 if x > 0 else alpha * mp.exp(x))

    def conditional(f, m, s):
        exponential = mp.exp(m + s * s / 2) * mp.ncdf(-(m + s * s) / s)
        if f is dphi:
            return scale * (mp.ncdf(m / s) + alpha * exponential)
        return scale * (m * mp.ncdf(m / s) + s * pdf(m / s) + alpha * (exponential - mp.ncdf(-m / s)))

    return Smooth(spec, phi, dphi, (0,), conditional)


def _gelu():
    """x Phi(x), with E[f(m + s z)] in closed form for f = phi and phi' (x ~ N(m, s^2),
    t = sqrt(1 + s^2)): E[x Phi(x)] = m Phi(m/t) + (s^2/t) p(m/t) and
    E[Phi(x) + x p(x)] = Phi(m/t) + m p(m/t) / t^3, not the library's orthant closed form."""
    def phi(x):
        return x * mp.ncdf(x)

    def dphi(x):
        return mp.ncdf(x) + x * pdf(x)

    def conditional(f, m, s):
        t = mp.sqrt(1 + s * s)
        if f is dphi:
            return mp.ncdf(m / t) + m * pdf(m / t) / t ** 3
        return m * mp.ncdf(m / t) + s * s / t * pdf(m / t)

    return Smooth("gelu", phi, dphi, (), conditional)


class ClosedForm(Smooth):
    """erf, relu and linear: textbook kernels. check() compares them with the
    quadrature of Smooth at the points where the reference uses them."""

    def __init__(self, name, phi, dphi, kinks, conditional, m2, m2_slope, dm2, k, k_slope):
        super().__init__(name, phi, dphi, kinks, conditional)
        self._m2, self._m2_slope, self._dm2, self._k, self._k_slope = m2, m2_slope, dm2, k, k_slope

    def second_moment(self, q):
        return self._m2(q)

    def second_moment_slope(self, q):
        return self._m2_slope(q)

    def derivative_second_moment(self, q):
        return self._dm2(q)

    def cross(self, q, c):
        return self._k(q, c)

    def cross_slope(self, q, c):
        return self._k_slope(q, c)

    def check(self, q, c, rel=mpf(10) ** -20):
        pairs = [(self._m2(q), Smooth.second_moment(self, q)),
                 (self._m2_slope(q), Smooth.second_moment_slope(self, q)),
                 (self._dm2(q), Smooth.derivative_second_moment(self, q)),
                 (self._k(q, c), Smooth.cross(self, q, c)),
                 (self._k_slope(q, c), Smooth.cross_slope(self, q, c))]
        for closed, quad in pairs:
            assert abs(closed - quad) <= rel * max(abs(closed), 1), (self.name, q, c, closed, quad)


def smooth(spec):
    one = mpf(1)
    if spec == "tanh":
        return Smooth(spec, mp.tanh, lambda x: mp.sech(x) ** 2)
    if spec == "hardtanh":
        return Smooth(spec, lambda x: max(-one, min(one, x)), lambda x: one if abs(x) < 1 else mpf(0), (-1, 1),
                      _hardtanh_conditional, _hardtanh_difference)
    if spec == "erf":
        # arcsine kernel: E[erf(u1) erf(u2)] = (2/pi) asin(2qc / (1 + 2q)).
        return ClosedForm(spec, mp.erf, lambda x: 2 / mp.sqrt(mp.pi) * mp.exp(-x * x), (), None,
                          lambda q: 2 / mp.pi * mp.asin(2 * q / (1 + 2 * q)),
                          lambda q: 4 / (mp.pi * (1 + 2 * q) * mp.sqrt(1 + 4 * q)),
                          lambda q: 4 / (mp.pi * mp.sqrt(1 + 4 * q)),
                          lambda q, c: 2 / mp.pi * mp.asin(2 * q * c / (1 + 2 * q)),
                          lambda q, c: 4 * q / (mp.pi * mp.sqrt((1 + 2 * q) ** 2 - (2 * q * c) ** 2)))
    if spec == "relu":
        # arc-cosine kernel: q (sin th + (pi - th) cos th) / (2 pi), th = acos c.
        return ClosedForm(spec, lambda x: max(mpf(0), x), lambda x: one if x > 0 else mpf(0), (0,), _relu_conditional,
                          lambda q: q / 2, lambda q: mpf(1) / 2, lambda q: mpf(1) / 2,
                          lambda q, c: q * (mp.sqrt(1 - c * c) + (mp.pi - mp.acos(c)) * c) / (2 * mp.pi),
                          lambda q, c: q * (mp.pi - mp.acos(c)) / (2 * mp.pi))
    if spec == "linear":
        return ClosedForm(spec, lambda x: x, lambda x: one, (), None,
                          lambda q: q, lambda q: one, lambda q: one, lambda q, c: q * c, lambda q, c: q)
    if spec == "gelu":
        return _gelu()
    if spec == "elu":
        return _elu(spec, one, one)
    if spec == "selu":
        # Klambauer et al. (2017): the constants to 30 digits.
        return _elu(spec, mpf("1.67326324235437728481704299167"), mpf("1.05070098735548049341933498529"))
    raise ValueError("unknown activation spec " + spec)
