"""The Lloyd-Max quantizer of N(0, 1), designed here by Lloyd's iteration."""
import mpmath as mp
from mpmath import mpf

from gaussian_rules import pdf


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
