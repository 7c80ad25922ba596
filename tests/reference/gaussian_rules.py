"""Gaussian expectations in mpmath: the density, the upper tail, adaptive
tanh-sinh quadrature split at kinks, and fixed Gauss-Legendre and
Gauss-Hermite rules (cached per precision)."""
import mpmath as mp


def pdf(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def upper_tail(x):
    """P(z > x) without cancellation for large x."""
    return mp.erfc(x / mp.sqrt(2)) / 2


def gauss_expect(f, mu, sigma, kinks=(), scale=1):
    """E[f(mu + sigma z)], z ~ N(0, 1), split at the z where f has a kink or jump.
    mp.quad stops on an absolute error estimate (~1e-30 at 30 digits), so an
    expectation far below 1 is integrated as f / scale, scale ~ its size."""
    cuts = sorted({(k - mu) / sigma for k in kinks})
    return scale * mp.quad(lambda z: f(mu + sigma * z) / scale * pdf(z), [-mp.inf] + cuts + [mp.inf])


_LEGENDRE_CACHE = {}


def legendre_rule(n):
    """Gauss-Legendre nodes and weights on [-1, 1] at the working precision."""
    key = (n, mp.mp.prec)
    if key not in _LEGENDRE_CACHE:
        _LEGENDRE_CACHE[key] = mp.gauss_quadrature(n, "legendre")
    return _LEGENDRE_CACHE[key]


_HERMITE_CACHE = {}


def hermite_rule(n):
    """Nodes x and weights w with E[f(z)] ~ sum w f(x), z ~ N(0, 1)."""
    key = (n, mp.mp.prec)
    if key not in _HERMITE_CACHE:
        x, w = mp.gauss_quadrature(n, "hermite")  # weight exp(-x^2)
        _HERMITE_CACHE[key] = ([xi * mp.sqrt(2) for xi in x], [wi / mp.sqrt(mp.pi) for wi in w])
    return _HERMITE_CACHE[key]
