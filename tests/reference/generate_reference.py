#!/usr/bin/env python3
"""High-precision reference values for qmf's fixed points and critical points.

Written from docs/theory.md (sections 1.2-1.5, 2, 3) and docs/cli.md (specs),
not from qmf's C++ code. Usage:

    python3 tests/reference/generate_reference.py > tests/reference/reference_values.csv
    python3 tests/reference/generate_reference.py --group NAME --spec SPEC --no-header >> ...

Prints CSV rows `spec,sw2,sb2,quantity,value` (spec quoted; value with 25
significant digits) and a timing line per case on stderr. Works at 30 digits.
"""
import argparse
import sys
import time

import mpmath as mp
from mpmath import mpf

from correlation_deficit import check_deficit_forms, correlation_deficit_root
from held_out_cases import ISSUE_STEP_CASES, NEAR_LINE_CASES, RANDOM_STEP_CASES
from length_map import EPS, length_fixed_point, newton
from reference_activations import literal, make
from smooth_activations import ClosedForm, check_conditional

mp.mp.dps = 30
DIGITS = 25

# (spec, sw2, sb2): the 48 fixed-point cases (q0 = 1).
FIXED_POINT_CASES = [
    ("sign", "1.5", "0.05"), ("sign", "2", "0"), ("sign", "1", "0.3"),
    ("quant:3", "1.2", "0"), ("quant:3", "2", "0.1"), ("quant:3", "4", "0.5"),
    ("quant:4", "1", "0"), ("quant:4", "2", "0.02"),
    ("quant:8", "1.1", "0"), ("quant:8", "1.5", "0.05"),
    ("quant:16", "1.01", "0"), ("quant:16", "1.3", "0.1"), ("quant:16", "2.5", "0.3"),
    ("quant:5,A=2,D=0.3", "1.5", "0.05"), ("quant:4,A=0.5", "3", "0.01"),
    ("quant:3,D=4", "100", "0.1"),  # three fixed points; q0 = 1 flows up to the largest
    ("steps:t=-0.5;0.3;1.2,y=-1;0.2;0.5;2", "1.2", "0.1"),
    ("steps:t=-1;0.5,y=0;1;-0.5", "2", "0.2"),  # not monotone, non-zero mean
    ("steps:t=0.2,y=-1;1", "1.5", "0"),  # shifted sign: c* > 0 at sb2 = 0
    ("lloyd:4", "1.2", "0"), ("lloyd:4", "1.5", "0.05"),
    ("lloyd:8", "1", "0"), ("lloyd:8", "2", "0.1"),
    ("erf", "1", "0.05"), ("erf", "2.5", "0.1"), ("erf", "1.5", "0"),
    ("hardtanh", "1.5", "0.05"), ("hardtanh", "3", "0.2"), ("hardtanh", "1.2", "0"),
    ("relu", "1.5", "0.1"), ("relu", "1.9", "0.5"),
    ("linear", "0.5", "0.1"), ("linear", "0.9", "1"),
    ("tanh", "1.70", "0.05"), ("tanh", "1.75", "0.05"), ("tanh", "1.7605", "0.05"),
    ("tanh", "1.761", "0.05"), ("tanh", "1.7615", "0.05"), ("tanh", "1.77", "0.05"),
    ("tanh", "1.85", "0.05"), ("tanh", "2", "0"), ("tanh", "1.2", "0.3"),
    # chaotic (chi_1 > 1): c* comes from elu_kernel.cpp's closed forms.
    ("elu", "1.6", "0"), ("elu", "1.8", "0.05"), ("selu", "1.2", "0"), ("selu", "1.5", "0.1"),
    # large q*: elu at q* = 57.5 (Owen's route at c*), selu at q* = 37.8 (Plackett's).
    ("elu", "1.97", "0.03"), ("selu", "1.7", "0.2"),
    # gelu_kernel.cpp's closed forms: ordered, and chaotic at q* = 26.1 and 44.6.
    ("gelu", "1.9", "0.05"), ("gelu", "1.99", "0.2"), ("gelu", "1.98", "0.5"),
]
# Critical initialisation of the uniform quantizer at sb2 = 0 (theory.md 3.1).
CRITICAL_QUANTIZERS = [3, 4, 8, 16]
# Order-chaos lines chi_1 = 1 (theory.md 1.5).
LINES = [("tanh", "0.05"), ("erf", "0.05"), ("hardtanh", "0.05")]

def correlation_fixed_point(phi, sw2, sb2, q):
    """c* = 1 when chi_1 <= 1, else the root of C(c) = c in [0, 1) (theory.md 1.4)."""
    chi_1 = sw2 * phi.derivative_second_moment(q)
    if chi_1 <= 1:
        return mpf(1), chi_1, chi_1
    gap = lambda c: (sw2 * phi.cross(q, c) + sb2) / q - c
    slope = lambda c: sw2 * phi.cross_slope(q, c) / q
    if sb2 == 0 and abs(phi.mean(q)) < EPS:
        c = mpf(0)  # zero-mean phi at sb2 = 0: C(0) = 0
    else:
        # C(c) - c is convex and decreasing up to its root (theory.md 1.3-1.4),
        # so Newton from any c < c* rises monotonically to c*. Start from the
        # last of c = 0, 0.9, 0.99, ... below c*.
        with mp.workdps(18):
            lo, k = mpf(0), 1
            while gap(1 - mpf(10) ** -k) >= 0:
                lo, k = 1 - mpf(10) ** -k, k + 1
                assert k < 16, "no sign change of C(c) - c below c = 1"
            c = newton(gap, lambda x: slope(x) - 1, lo, mpf(10) ** 14)
            contraction = 1 - slope(c)
        # Near the order-chaos line 1 - chi_c ~ 1e-4 divides the rounding of the
        # gap: c* is then good to ~1e-26 / (1 - chi_c).
        c = newton(gap, lambda x: slope(x) - 1, c, 1 / contraction)
        assert 0 <= c < 1
    return c, slope(c), chi_1


def check_slopes(phi, q, c):
    """The slopes against central differences (at 20 digits) of the moments
    they differentiate. The correlation slope of a smooth phi (Price) only
    where the 2-D integral is cheap (c near 1); erf and relu are checked
    against closed forms in any case."""
    with mp.workdps(20):
        h = mpf(10) ** -6
        d_m2 = (phi.second_moment(q * (1 + h)) - phi.second_moment(q * (1 - h))) / (2 * h * q)
        assert abs(d_m2 - phi.second_moment_slope(q)) <= mpf(10) ** -9 * phi.second_moment(q) / q
        if c < 1 and (phi.is_step or c > mpf("0.99")):
            hc = h * (1 - c)
            d_k = (phi.cross(q, c + hc) - phi.cross(q, c - hc)) / (2 * hc)
            assert abs(d_k - phi.cross_slope(q, c)) <= mpf(10) ** -9 * phi.second_moment(q), (d_k, phi.cross_slope(q, c))


def depth_scale(chi):
    return -1 / mp.log(abs(chi))


def fixed_point_rows(spec, sw2_text, sb2_text):
    phi = make(spec)
    sw2, sb2 = literal(sw2_text), literal(sb2_text)
    q, chi_q = length_fixed_point(phi, sw2, sb2)
    c, chi_c, chi_1 = correlation_fixed_point(phi, sw2, sb2, q)
    if isinstance(phi, ClosedForm):
        phi.check(q, mpf("0.999"))  # s <= 0.2: the cheap rule of the 2-D integral
    check_slopes(phi, q, c)
    if spec == "sign":
        assert abs(phi.cross(q, c) - 2 / mp.pi * mp.asin(c)) < EPS  # Sheppard
    values = {"q_star": q, "chi_q": chi_q, "xi_q": depth_scale(chi_q), "c_star": c,
              "chi_c": chi_c, "xi_c": depth_scale(chi_c), "chi_1": chi_1}
    return [(spec, sw2_text, sb2_text, key, value) for key, value in values.items()]


def held_out_rows(spec, sw2_text, sb2_text):
    """Like fixed_point_rows, with c* solved for 1 - c* (correlation_deficit.py),
    and one more quantity: the angle theta* = acos(c*) = 2 asin(sqrt((1 - c*)/2)),
    which keeps the relative precision of 1 - c* where c* rounds to 1."""
    phi = make(spec)
    sw2, sb2 = literal(sw2_text), literal(sb2_text)
    q, chi_q = length_fixed_point(phi, sw2, sb2)
    chi_1 = sw2 * phi.derivative_second_moment(q)
    check_slopes(phi, q, mpf(1))
    if chi_1 <= 1:
        delta, chi_c = mpf(0), chi_1
    else:
        check_deficit_forms(phi, q, mpf("0.001"))
        delta, chi_c = correlation_deficit_root(phi, sw2, q)
    values = {"q_star": q, "chi_q": chi_q, "xi_q": depth_scale(chi_q), "c_star": 1 - delta,
              "chi_c": chi_c, "xi_c": depth_scale(chi_c), "chi_1": chi_1,
              "angle": 2 * mp.asin(mp.sqrt(delta / 2))}
    return [(spec, sw2_text, sb2_text, key, value) for key, value in values.items()]


def uniform_chi(n, dtilde):
    """chi(D~) = S^2 / V with V = Var count(z), from the cell probabilities (theory.md 3.1)."""
    t = [dtilde * (k - mpf(n) / 2) for k in range(1, n)]
    cells = [-mp.inf] + t + [mp.inf]
    p = [mp.ncdf(cells[m + 1]) - mp.ncdf(cells[m]) for m in range(n)]
    mean = mp.fsum(m * p[m] for m in range(n))
    var = mp.fsum((m - mean) ** 2 * p[m] for m in range(n))
    s = mp.fsum(mp.npdf(x) for x in t)
    return s * s / var, s, var


def critical_quantizer_rows(n):
    """Maximise chi(D~) (root of its numerical derivative), then sigma_w^2 from
    q* = (D / D~)^2 and sw2 = q* / E[phi^2]; checked against the Stein
    conditions S/V = D~ and sw2 = 1/chi_max and against the generic fixed point."""
    chi = lambda d: uniform_chi(n, d)[0]
    grid = [mpf(k) / 50 for k in range(5, 150)]
    start = max(grid, key=chi)
    dtilde = mp.findroot(lambda d: mp.diff(chi, d), start)
    chi_max, s, var = uniform_chi(n, dtilde)
    assert abs(s / var - dtilde) < mpf(10) ** -20
    spec = "quant:%d" % n
    phi = make(spec)
    q = (2 / mpf(n - 1) / dtilde) ** 2
    sw2 = q / phi.second_moment(q)
    assert abs(sw2 * chi_max - 1) < mpf(10) ** -20
    q_fp, _ = length_fixed_point(phi, sw2, mpf(0), q0=q * 1.01)
    c_fp, chi_fp, _ = correlation_fixed_point(phi, sw2, mpf(0), q_fp)
    assert abs(q_fp / q - 1) < mpf(10) ** -20 and c_fp == 0 and abs(chi_fp - chi_max) < mpf(10) ** -20
    return [(spec, "", "0", "critical_sw2", sw2), (spec, "", "0", "critical_q_star", q),
            (spec, "", "0", "critical_chi_max", chi_max)]


def line_rows(spec, sb2_text):
    """The order-chaos line: the root in q* of sw2(q*) E[phi'^2] = 1 with
    sw2(q*) = (q* - sb2) / E[phi^2] (theory.md 1.5)."""
    phi, sb2 = make(spec), literal(sb2_text)
    sw2_of = lambda q: (q - sb2) / phi.second_moment(q)
    excess = lambda q: sw2_of(q) * phi.derivative_second_moment(q) - 1
    with mp.workdps(18):
        grid = [sb2 * mpf(2) ** (k / mpf(4)) for k in range(1, 60)]
        lo, hi = next((a, b) for a, b in zip(grid, grid[1:]) if excess(a) < 0 <= excess(b))
        q = mp.findroot(excess, (lo, hi), solver="anderson", verify=False)
    q = mp.findroot(excess, q, tol=EPS ** 2)
    sw2 = sw2_of(q)
    q_fp, _ = length_fixed_point(phi, sw2, sb2)
    assert abs(q_fp / q - 1) < mpf(10) ** -20
    if spec == "erf":  # closed-form parametrisation of theory.md 1.5
        assert abs(sw2 - mp.pi / 4 * mp.sqrt(1 + 4 * q)) < mpf(10) ** -20
        assert abs(sb2 - (q - mp.sqrt(1 + 4 * q) / 2 * mp.asin(2 * q / (1 + 2 * q)))) < mpf(10) ** -20
    return [(spec, "", sb2_text, "line_sw2", sw2), (spec, "", sb2_text, "line_q_star", q)]


def jobs():
    """(group, label, function, arguments) of every case, in the CSV's order."""
    return ([("fixed", case[0], fixed_point_rows, case) for case in FIXED_POINT_CASES]
            + [("critical", "quant:%d" % n, critical_quantizer_rows, (n,)) for n in CRITICAL_QUANTIZERS]
            + [("lines", line[0], line_rows, line) for line in LINES]
            + [("random_steps", case[0], held_out_rows, case) for case in RANDOM_STEP_CASES]
            + [("issue_steps", case[0], held_out_rows, case) for case in ISSUE_STEP_CASES]
            + [("near_lines", case[0], held_out_rows, case) for case in NEAR_LINE_CASES])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--group", action="append", help="only this group of cases (repeatable): "
                        + ", ".join(sorted({job[0] for job in jobs()})))
    parser.add_argument("--spec", action="append", help="only cases of this activation spec (repeatable)")
    parser.add_argument("--sw2", action="append", help="only fixed-point cases at this sw2 text (repeatable)")
    parser.add_argument("--no-header", action="store_true", help="omit the CSV header, to append rows")
    args = parser.parse_args()
    selected = [job for job in jobs() if (not args.group or job[0] in args.group)
                and (not args.spec or job[1] in args.spec) and (not args.sw2 or job[3][1] in args.sw2)]
    if not selected:
        parser.error("no case matches the selection")
    if not args.no_header:
        print("spec,sw2,sb2,quantity,value")
    begin = time.time()
    check_conditional()
    for _, _, job, job_args in selected:
        started = time.time()
        for spec, sw2, sb2, key, value in job(*job_args):
            text = "inf" if mp.isinf(value) else mp.nstr(value, DIGITS, min_fixed=-5, max_fixed=6)
            print('"%s",%s,%s,%s,%s' % (spec, sw2, sb2, key, text), flush=True)
        print("%-40s %6.1f s" % (" ".join(map(str, job_args)), time.time() - started), file=sys.stderr)
    print("total %.0f s" % (time.time() - begin), file=sys.stderr)


if __name__ == "__main__":
    main()
