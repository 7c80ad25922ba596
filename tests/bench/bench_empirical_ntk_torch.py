#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The empirical NTK of bench_empirical_ntk.cpp in PyTorch, by per-example
Jacobians (functorch.vmap of functorch.jacrev, PyTorch 1.13): a net of DEPTH
dense layers (the last a scalar readout) of WIDTH relu units on N inputs of
dimension 784 on the sphere |x|^2 / d = 1, NTK parameterisation h = sqrt(sw2/n)
W x + sqrt(sb2) b with W, b ~ N(0, 1), sw2 = 2, sb2 = 0.1 (as in qmf). The
kernel is sum over parameter tensors of J J^T, one tensor at a time (a
1024 x 1024 layer's Jacobian on 500 inputs is 2 GB in float32). float32, the
dtype PyTorch users run (qmf: float64).

Prints one line: CPU seconds (best of REPEATS) and the kernel's mean diagonal.
Usage: bench_empirical_ntk_torch.py N WIDTH DEPTH THREADS REPEATS
"""
import math
import sys
import time

try:
    import torch
    from functorch import jacrev, vmap
except ImportError:
    print("skipped: python3-torch (with functorch) not installed")
    sys.exit(0)

SW2, SB2, DIM = 2.0, 0.1, 784


def forward(params, x):
    """The scalar output of one input x (NTK parameterisation)."""
    h = x
    for layer, (w, b) in enumerate(params):
        if layer > 0:
            h = torch.relu(h)
        h = math.sqrt(SW2 / w.shape[1]) * (w @ h) + math.sqrt(SB2) * b
    return h[0]


def empirical_ntk(params, x):
    flat = [p for wb in params for p in wb]
    kernel = torch.zeros(x.shape[0], x.shape[0])
    for k in range(len(flat)):
        def f(p, xi, k=k):
            args = list(flat)
            args[k] = p
            return forward([(args[2 * i], args[2 * i + 1]) for i in range(len(params))], xi)
        jac = vmap(jacrev(f), in_dims=(None, 0))(flat[k], x).reshape(x.shape[0], -1)
        kernel += jac @ jac.T
        del jac
    return kernel


def main():
    n, width, depth, threads, repeats = (int(a) for a in sys.argv[1:6])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    sizes = [DIM] + [width] * (depth - 1) + [1]
    params = [(torch.randn(b, a), torch.randn(b)) for a, b in zip(sizes[:-1], sizes[1:])]
    x = torch.randn(n, DIM)
    x *= math.sqrt(DIM) / x.norm(dim=1, keepdim=True)
    best, kernel = float("inf"), None
    with torch.no_grad():
        for _ in range(repeats):
            start = time.process_time()
            kernel = empirical_ntk(params, x)
            best = min(best, time.process_time() - start)
    print(f"{best:.6g} {kernel.diagonal().mean().item():.6g}")


if __name__ == "__main__":
    main()
