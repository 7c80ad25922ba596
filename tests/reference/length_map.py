"""The length map's fixed point reached from q0, and the Newton polish the
reference uses everywhere (theory.md 1.2). Works at mp.dps = 30."""
import mpmath as mp
from mpmath import mpf

EPS = mpf(10) ** -26  # the working precision, 30 digits, less 4


def newton(f, df, x, scale):
    """Polishes a root x of f to ~EPS * scale."""
    for _ in range(20):
        step = f(x) / df(x)
        x -= step
        if abs(step) <= EPS * scale:
            return x
    raise RuntimeError("Newton did not converge")


def length_fixed_point(phi, sw2, sb2, q0=1):
    """The fixed point the length map reaches from q0: iterate at 18 digits
    until the steps are 1e-11 q, then Newton at full precision. Newton from
    there cannot jump to another fixed point: it moves by ~1e-10 q."""
    length = lambda q: sw2 * phi.second_moment(q) + sb2
    with mp.workdps(18):
        q = mpf(q0)
        for _ in range(100000):
            q_next = length(q)
            if q_next < mpf(10) ** -40:
                raise RuntimeError("the length map collapses to q = 0")
            done = abs(q_next - q) <= mpf(10) ** -11 * q_next
            q = q_next
            if done:
                break
        else:
            raise RuntimeError("length map did not converge")
    start = q
    q = newton(lambda x: length(x) - x, lambda x: sw2 * phi.second_moment_slope(x) - 1, q, q)
    assert abs(q - start) <= mpf(10) ** -8 * q
    return q, sw2 * phi.second_moment_slope(q)
