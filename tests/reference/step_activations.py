"""Step activations phi(x) = y_0 + sum_k h_k 1{x >= t_k} and their Gaussian
kernel in mpmath, written from docs/theory.md section 2."""
import mpmath as mp

from gaussian_rules import pdf, upper_tail


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

    def slope_near_one(self, q, eps):
        """The same sum at c = 1 - eps, written in eps (x^2 - 2cxy + y^2 =
        (x - y)^2 + 2 eps x y, 1 - c^2 = eps (2 - eps)) so that it keeps its
        relative precision however small eps is (1e-511 in the cusp regime)."""
        with mp.extraprec(40):  # the sum cancels where the a_k are close together and sum h_k = 0
            a = self._cells(q)[1:-1]
            r = eps * (2 - eps)
            terms = [hk * hl * mp.exp(-((ak - al) ** 2 + 2 * eps * ak * al) / (2 * r))
                     for hk, ak in zip(self.h, a) for hl, al in zip(self.h, a)]
            total = mp.fsum(terms) / (2 * mp.pi * mp.sqrt(r))
        return +total

    def deficit_moment(self, q, eps):
        """E[phi^2] - E[phi(u1) phi(u2)] at c = 1 - eps, without cancellation:
        the integral of the slope from 1 - eps to 1, over v = sqrt(1 - c), which
        removes the (1 - c)^(-1/2) singularity of the diagonal terms. The term
        of a pair of thresholds a_k != a_l switches on near v = |a_k - a_l| / 2:
        the interval is split there."""
        a, top = self._cells(q)[1:-1], mp.sqrt(eps)
        cuts = sorted({abs(ak - al) / 2 for ak in a for al in a} - {0})
        points = [0] + [v for v in cuts if v < top] + [top]
        integrand = lambda v: 2 * v * self.slope_near_one(q, v * v)
        scale = top * integrand(top) or 1  # the size of the result: mp.quad's error test is absolute
        return scale * mp.quad(lambda v: integrand(v) / scale, points)
