#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The net of bench_train.cpp in PyTorch on the CPU: 784 -> width, depth layers
of quant:8 (A = 1) with a straight-through backward g(x) = 1{|x| <= 1}, a
linear read-out to 10 classes, softmax cross-entropy, SGD (momentum 0.5, lr 1e-3),
batch 32, float32. Prints one line: samples per CPU second.

Usage: bench_train_torch.py WIDTH DEPTH STEPS THREADS
"""
import sys
import time

try:
    import torch
except ImportError:
    print("skipped: python3-torch not installed")
    sys.exit(0)

SPACING = 2.0 / 7.0  # quant:8, A = 1: levels -1 + m D, thresholds D (k - 4)


class Quant8(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.clamp(torch.floor(x / SPACING) + 4.0, 0.0, 7.0) * SPACING - 1.0

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1.0).to(grad.dtype)


class Net(torch.nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        sizes = [784] + [width] * depth
        self.hidden = torch.nn.ModuleList(
            torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.readout = torch.nn.Linear(width, 10)

    def forward(self, x):
        for layer in self.hidden:
            x = Quant8.apply(layer(x))
        return self.readout(x)


def main():
    width, depth, steps, threads = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = Net(width, depth)
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.5)
    x = torch.randn(32, 784)
    y = torch.randint(0, 10, (32,))
    loss_function = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_function(net(x), y).backward()
        optimizer.step()

    step()  # warm-up
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(steps):
            step()
        best = min(best, time.process_time() - start)
    print(f"{steps * 32 / best:.6g}")


if __name__ == "__main__":
    main()
