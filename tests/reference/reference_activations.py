"""Activations and their Gaussian kernel in mpmath, written from docs/theory.md.

Independent of qmf's C++ code: the specs are parsed here, the Lloyd-Max
quantizer is designed here, and every Gaussian expectation is an mpmath
tanh-sinh quadrature (split where the integrand has a kink or a jump) or a
closed form that is checked against such a quadrature.

Numbers written in a spec or given as sw2, sb2 are taken as the IEEE double
nearest to the decimal, because that double is what qmf is handed; derived
numbers (D = 2A/(N-1), levels, Lloyd-Max thresholds) are exact.
"""
from mpmath import mpf

from lloyd_max import lloyd_max
from smooth_activations import smooth
from step_activations import Step


def literal(text):
    """The double that qmf parses from a decimal literal, as an exact mpf."""
    return mpf(float(text))


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
    return smooth(spec)


