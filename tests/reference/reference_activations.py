"""Activations and their Gaussian kernel in mpmath, written from docs/theory.md.

Independent of qmf's C++ code: the specs are parsed here, the Lloyd-Max
quantizer is designed here, and every Gaussian expectation is an mpmath
tanh-sinh quadrature (split where the integrand has a kink or a jump) or a
closed form that is checked against such a quadrature.

Numbers written in a spec or given as sw2, sb2 are taken as the IEEE double
nearest to the decimal, because that double is what qmf is handed; derived
numbers (D = 2A/(N-1), levels, Lloyd-Max thresholds) are exact.
"""
import mpmath as mp
from mpmath import mpf


def literal(text):
    """The double that qmf parses from a decimal literal, as an exact mpf."""
    return mpf(float(text))


def pdf(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def upper_tail(x):
    """P(z > x) without cancellation for large x."""
    return mp.erfc(x / mp.sqrt(2)) / 2


def gauss_expect(f, mu, sigma, kinks=()):
    """E[f(mu + sigma z)], z ~ N(0, 1), split at the z where f has a kink or jump."""
    cuts = sorted({(k - mu) / sigma for k in kinks})
    return mp.quad(lambda z: f(mu + sigma * z) * pdf(z), [-mp.inf] + cuts + [mp.inf])


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

    def __init__(self, name, phi, dphi, kinks=(), conditional=None):
        self.name, self.phi, self.dphi, self.kinks = name, phi, dphi, tuple(mpf(k) for k in kinks)
        self.conditional = conditional or self._legendre

    def _legendre(self, f, m, s):
        """E[f(m + s z)]: for s > 1/5 by composite Gauss-Legendre over |z| <= 13 (p(13) ~ 1e-37).
        f may have poles at distance d = pi / (2 s) from the real z axis (tanh);
        panels of width min(2, d) keep them twice a half-width away, where 24
        nodes per panel converge like (2 + sqrt 5)^-48 ~ 1e-30."""
        if s <= mpf(1) / 5:
            # Poles at least 2.5 pi away: 60-node Gauss-Hermite is good to ~1e-30
            # (check_conditional; at s = 0.5 it is off by 5e-19).
            x, w = _hermite_rule(60)
            return mp.fsum(wi * f(m + s * xi) for xi, wi in zip(x, w))
        x, w = _legendre_rule(24 if mp.mp.dps >= 25 else 12)
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


_legendre_cache = {}


def _legendre_rule(n):
    """Gauss-Legendre nodes and weights on [-1, 1] at the working precision."""
    key = (n, mp.mp.prec)
    if key not in _legendre_cache:
        _legendre_cache[key] = mp.gauss_quadrature(n, "legendre")
    return _legendre_cache[key]


_hermite_cache = {}


def _hermite_rule(n):
    """Nodes x and weights w with E[f(z)] ~ sum w f(x), z ~ N(0, 1)."""
    key = (n, mp.mp.prec)
    if key not in _hermite_cache:
        x, w = mp.gauss_quadrature(n, "hermite")  # weight exp(-x^2)
        _hermite_cache[key] = ([xi * mp.sqrt(2) for xi in x], [wi / mp.sqrt(mp.pi) for wi in w])
    return _hermite_cache[key]


def check_conditional():
    """Both rules of Smooth._legendre against an adaptive quadrature, for tanh,
    on either side of where they meet (s = 1/5) and at s = 1.8."""
    phi = make("tanh")
    for m in (mpf(0), mpf("0.3"), mpf("1.1"), mpf(2)):
        for s in (mpf("0.05"), mpf("0.2"), mpf("0.2000001"), mpf("0.5"), mpf("1.8")):
            assert abs(phi._legendre(mp.tanh, m, s) - gauss_expect(mp.tanh, m, s, ())) < mpf(10) ** -28


def _relu_conditional(f, m, s):
    """E[f(m + s z)] in closed form for f = relu or its derivative 1{x > 0}."""
    if f(mpf(2)) == 1:  # the derivative
        return mp.ncdf(m / s)
    return m * mp.ncdf(m / s) + s * pdf(m / s)


def _hardtanh_conditional(f, m, s):
    """E[f(m + s z)] in closed form for f = hard-tanh or its derivative 1{|x| < 1}."""
    lo, hi = (-1 - m) / s, (1 - m) / s
    inside = mp.ncdf(hi) - mp.ncdf(lo)
    if f(mpf(2)) == 0:  # the derivative
        return inside
    return upper_tail(hi) - mp.ncdf(lo) + m * inside + s * (pdf(lo) - pdf(hi))


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


class Step:
    """phi(x) = y_0 + sum_k h_k 1{x >= t_k}, h_k = y_k - y_(k-1) (theory.md 2.1)."""

    is_step = True

    def __init__(self, name, t, y):
        assert len(y) == len(t) + 1 and all(a < b for a, b in zip(t, t[1:]))
        self.name, self.t, self.y = name, list(t), list(y)
        self.h = [y[k + 1] - y[k] for k in range(len(t))]

    def _cells(self, q):
        """Scaled thresholds with -inf and +inf at the ends."""
        return [-mp.inf] + [t / mp.sqrt(q) for t in self.t] + [mp.inf]

    def _cell_probabilities(self, q):
        a = self._cells(q)
        return [mp.ncdf(a[m + 1]) - mp.ncdf(a[m]) if a[m] < 0 else upper_tail(a[m]) - upper_tail(a[m + 1])
                for m in range(len(self.y))]

    def mean(self, q):
        return mp.fsum(y * p for y, p in zip(self.y, self._cell_probabilities(q)))

    def second_moment(self, q):
        return mp.fsum(y * y * p for y, p in zip(self.y, self._cell_probabilities(q)))

    def second_moment_slope(self, q):
        """theory.md 2.2: (1/2q) sum_k (y_k^2 - y_(k-1)^2) a_k p(a_k)."""
        a = self._cells(q)[1:-1]
        return mp.fsum((self.y[k + 1] ** 2 - self.y[k] ** 2) * a[k] * pdf(a[k])
                       for k in range(len(a))) / (2 * q)

    def derivative_second_moment(self, q):
        return mp.inf

    def cross(self, q, c):
        """E[phi(u1) phi(u2)] as one integral over z1 of phi(sqrt(q) z1) times the
        conditional mean of phi(u2): y_0 + sum_l h_l P(z2' > (a_l - c z1)/sqrt(1 - c^2)).
        Split at the thresholds and where each conditional probability switches."""
        a = self._cells(q)[1:-1]
        s = mp.sqrt(1 - c * c)
        def conditional(z):
            # terms more than 13 standard deviations away are 0 or 1 to 1e-38
            args = [(al - c * z) / s for al in a]
            return self.y[0] + mp.fsum(h if x < -13 else h * upper_tail(x)
                                       for h, x in zip(self.h, args) if x < 13)

        phi = lambda z: self.y[0] + mp.fsum(h for h, al in zip(self.h, a) if z >= al)
        cuts = sorted(set(a) | ({al / c for al in a} if c != 0 else set()))
        return mp.quad(lambda z: phi(z) * conditional(z) * pdf(z), [-mp.inf] + cuts + [mp.inf])

    def cross_slope(self, q, c):
        """Plackett (theory.md 2.3): sum_kl h_k h_l p2(a_k, a_l; c)."""
        a = self._cells(q)[1:-1]
        r = 1 - c * c
        p2 = lambda x, y: mp.exp(-(x * x - 2 * c * x * y + y * y) / (2 * r)) / (2 * mp.pi * mp.sqrt(r))
        return mp.fsum(hk * hl * p2(ak, al) for hk, ak in zip(self.h, a) for hl, al in zip(self.h, a))


def _centroids(t):
    """E[z | cell] for the cells of thresholds t: (p(a) - p(b)) / P(a < z < b)."""
    cells = [-mp.inf] + t + [mp.inf]
    return [(pdf(cells[m]) - pdf(cells[m + 1])) / (mp.ncdf(cells[m + 1]) - mp.ncdf(cells[m]))
            for m in range(len(t) + 1)]


def lloyd_max(n, tol=mpf(10) ** -34):
    """Thresholds and levels of the n-level Lloyd-Max quantizer of N(0, 1) by
    Lloyd's iteration (centroids, then midpoints), at 40 digits."""
    with mp.workdps(40):
        t = [mpf(4) * (k - mpf(n) / 2) / n for k in range(1, n)]
        for _ in range(200000):
            y = _centroids(t)
            new_t = [(y[k] + y[k + 1]) / 2 for k in range(n - 1)]
            change = max(abs(u - v) for u, v in zip(t, new_t))
            t = new_t
            if change < tol:
                break
        else:
            raise RuntimeError("Lloyd iteration did not converge for N = %d" % n)
        y = _centroids(t)
    return [+x for x in t], [+x for x in y]


def _options(parts, allowed):
    opts = {}
    for part in parts:
        key, value = part.split("=", 1)
        assert key in allowed and key not in opts, part
        opts[key] = value
    return opts


def make(spec):
    """Parses the specs of docs/cli.md that the reference needs."""
    name, _, rest = spec.partition(":")
    if name == "sign":
        return Step(spec, [mpf(0)], [mpf(-1), mpf(1)])
    if name == "quant":
        parts = rest.split(",")
        n, opts = int(parts[0]), _options(parts[1:], {"A", "D"})
        amp = literal(opts.get("A", "1"))
        d = literal(opts["D"]) if "D" in opts else 2 * amp / (n - 1)
        return Step(spec, [d * (k - mpf(n) / 2) for k in range(1, n)],
                    [-amp + 2 * amp * m / (n - 1) for m in range(n)])
    if name == "lloyd":
        parts = rest.split(",")
        n, opts = int(parts[0]), _options(parts[1:], {"S"})
        scale = literal(opts.get("S", "1"))
        t, y = lloyd_max(n)
        return Step(spec, [scale * x for x in t], [scale * x for x in y])
    if name == "steps":
        opts = _options(rest.split(","), {"t", "y"})
        return Step(spec, [literal(x) for x in opts["t"].split(";")], [literal(x) for x in opts["y"].split(";")])
    return _smooth(spec)


def _smooth(spec):
    one = mpf(1)
    if spec == "tanh":
        return Smooth(spec, mp.tanh, lambda x: mp.sech(x) ** 2)
    if spec == "hardtanh":
        return Smooth(spec, lambda x: max(-one, min(one, x)), lambda x: one if abs(x) < 1 else mpf(0), (-1, 1),
                      _hardtanh_conditional)
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
    raise ValueError("unknown activation spec " + spec)
