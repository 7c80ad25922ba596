#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A random net drawn the way PyTorch would: every layer's n x n Gaussian
weights drawn (float64, N(0, sw2/n)), forward through quant:16 at its critical
sw2 with two inputs, and the backward pass of a random output direction through
the same weights with a straight-through g(x) = 1{|x| <= 1}. One thread. Prints
CPU seconds per layer (forward and backward), or "skipped" without torch.

Usage: bench_gram_torch.py WIDTH DEPTH
"""
import sys
import time

try:
    import torch
except ImportError:
    print("skipped: python3-torch not installed")
    sys.exit(0)

SW2 = 1.0116776834086716
SPACING = 2.0 / 15.0  # quant:16, A = 1


def quant16(x):
    return torch.clamp(torch.floor(x / SPACING) + 8.0, 0.0, 15.0) * SPACING - 1.0


def net(width, depth):
    h = torch.randn(width, 2, dtype=torch.float64)
    weights, pre = [], []
    for _ in range(depth):
        w = torch.randn(width, width, dtype=torch.float64) * (SW2 / width) ** 0.5
        pre.append(h)
        h = w @ quant16(h)
        weights.append(w)
    delta = torch.randn(width, 1, dtype=torch.float64).expand(width, 2)
    for w, h in zip(reversed(weights), reversed(pre)):
        delta = (w.t() @ delta) * (h.abs() <= 1.0).to(torch.float64)
    return delta


def main():
    width, depth = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(1)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        net(width, depth)
        best = min(best, time.process_time() - start)
    print(f"{best / depth:.3g}")


if __name__ == "__main__":
    main()
