"""Cases held out from qmf's own tests (issue 15): random step activations at
sigma_b^2 = 0 and points within 1e-6 of the tanh and hard-tanh order-chaos
lines. generate_reference.py solves them for c* through 1 - c*."""
import random

import mpmath as mp

from reference_activations import make


def _decimal(x, digits=2):
    """A short decimal, so that the spec's text is what both sides parse."""
    return "%.*f" % (digits, x)


def random_step_specs(count=14, seed=15):
    """Fixed-seed steps: 2-5 sorted thresholds in [-3, 3], levels in [-2, 2]
    (so mostly non-monotone), and level 0 exactly on the cell that holds
    x = 0 (no threshold is 0). With sigma_b^2 = 0, q = 0 is then a fixed point
    of the length map, and the c-map's fixed point can sit very close to 1."""
    rng = random.Random(seed)
    specs = []
    while len(specs) < count:
        thresholds = sorted({_decimal(rng.uniform(-3, 3)) for _ in range(rng.randint(2, 5))}, key=float)
        if "0.00" in thresholds or "-0.00" in thresholds:
            continue
        levels = [_decimal(rng.uniform(-2, 2)) for _ in range(len(thresholds) + 1)]
        levels[sum(float(t) < 0 for t in thresholds)] = "0.0"
        specs.append("steps:t=%s,y=%s" % (";".join(thresholds), ";".join(levels)))
    return specs


def _moderate_sw2(spec):
    """sw2 with L(1) = 2: the length map first doubles q, so the iteration from
    q0 = 1 moves away from the attracting q = 0. Three significant digits."""
    with mp.workdps(15):
        return "%.3g" % (2 / make(spec).second_moment(1))


RANDOM_STEP_CASES = [(spec, _moderate_sw2(spec), "0") for spec in random_step_specs()]

# Issue 15: a non-monotone length map that takes q0 = 1 past its first fixed
# point (4.0149) to 354208.87, and two steps in the cusp regime, where
# 1 - c* = 4.3e-15 and 8.9e-511 and chi_c is 1/2 to leading order.
ISSUE_STEP_CASES = [
    ("steps:t=-12.0;-0.01;0.01;12.0,y=600.0;0.0;31.75;0.0;600.0", "1", "0"),
    ("steps:t=2.326903;5.911585,y=-1.3125;-0.86328125;0.22265625", "0.12177", "0"),
    ("steps:t=-6.645541;3.972435,y=-0.6328125;0.28515625;2.04296875", "0.16464", "0"),
]

# sw2 = line * (1 + r) for r = -1e-6, -1e-7, 1e-7, 1e-6, to 17 digits (the
# lines are tests/reference's line_sw2 at sigma_b^2 = 0.05): ordered below,
# chaotic above, with 1 - chi_c ~ |r| and xi_c ~ 1e6-1e7.
NEAR_LINE_CASES = [
    ("tanh", "1.7609528786520996", "0.05"), ("tanh", "1.7609544635112753", "0.05"),
    ("tanh", "1.760954815702203", "0.05"), ("tanh", "1.7609564005613787", "0.05"),
    ("hardtanh", "1.1655435240911909", "0.05"), ("hardtanh", "1.1655445730814116", "0.05"),
    ("hardtanh", "1.1655448061903495", "0.05"), ("hardtanh", "1.1655458551805702", "0.05"),
]
