#!/usr/bin/env python3
"""Fuzzes the qmf command line (issue 15): a fixed-seed generator of argument
vectors over every subcommand, with boundary values, malformed specs and
lists, huge and tiny numbers. Every run must

- end with exit status 0, 2 or 3 (never 1, a signal or a hang),
- write exactly one line on stderr when it fails (2 or 3), none when it succeeds,
- print one parseable JSON object with --json, without NaN or Infinity, with
  no number hidden in a string ("nan", "-inf") and with infinities only in the
  documented form: the original contract's string "inf" plus
  "<key>_infinite": true (docs/output_format.md).

Usage: fuzz_cli.py QMF_BINARY [--long] [--seed S] [--count N] [--jobs J]
The default run (1000 cheap vectors, the issue's reproductions among them) takes
under a minute on two loaded cores;
--long runs 20000 vectors with larger sizes. Prints one line per failing vector
(the command to reproduce it) and a summary; exits 1 if any failed.
"""
import argparse
import concurrent.futures
import json
import math
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile

NUMBERS_BAD = ["0x10", "", "abc", "1e400", "-1e400", "nan", "inf", "-inf", "1,5", " 1", "1e",
               "--", "+-1"]
NUMBERS_EDGE = ["0", "-0", "-1", "1e308", "1e-308", "4.9e-324", "2.2250738585072014e-308",
                "+1", "1e-300", "1e300", "0.5", "1", "2"]
INTS_EDGE = ["0", "-1", "1", "2", "3", "2147483648", "99999999999999999999999", "1e3", "0x10",
             "", "abc", "-0"]
SPECS_GOOD = ["sign", "tanh", "erf", "relu", "hardtanh", "linear", "quant:2", "quant:3",
              "quant:16", "quant:16,A=0.01", "quant:5,D=0.3,A=2", "lloyd:4", "lloyd:8,S=0.5",
              "steps:t=0,y=0;1", "steps:t=-1;0.5,y=1.5;-2;0.25",
              "steps:t=-12.0;-0.01;0.01;12.0,y=600.0;0.0;31.75;0.0;600.0",
              "steps:t=2.326903;5.911585,y=-1.3125;-0.86328125;0.22265625",
              "steps:t=-6.645541;3.972435,y=-0.6328125;0.28515625;2.04296875"]
SPECS_BAD = ["", "foo", "quant:", "quant:1", "quant:0", "quant:-3", "quant:99999999999",
             "quant:16,A=0", "quant:16,A=-1", "quant:16,D=inf", "quant:16,X=1", "quant:16,",
             "steps:", "steps:t=1,y=1", "steps:t=1;0,y=1;2;3", "steps:t=0,y=1;1",
             "steps:t=nan,y=0;1", "steps:t=0x1,y=0;1", "steps:t=;,y=;;", "lloyd:1", "lloyd:-1",
             "lloyd:4,S=0", "tanh,", "TANH", "quant:16,A=1e308", "steps:t=1e308,y=0;1e308"]
# The reproductions of issue 15: a crash (SIGABRT), exit 1 for JSON type errors
# and an invalid gnuplot script, "inf" strings, silently clamped or hex input.
ISSUE_15 = [
    ["phase", "--act", "hardtanh", "--sw2", "0.5:2:3", "--sb2", "1e-300:1e300:8", "--json"],
    ["maps", "--act", "quant:34", "--sw2", "1e308", "--json"],
    ["simulate", "--act", "quant:112", "--sw2", "4.9e-324", "--width", "56", "--depth", "2",
     "--sb2", "1e-8"],
    ["phase", "--act", "tanh", "--sw2", "1.884:2.244:3", "--sb2", "2.786:4.104:8", "--out", "p"],
    ["maps", "--act", "sign", "--sw2", "1", "--json"],
    ["maps", "--act", "quant:16,A=0.01", "--sw2", "0.001", "--sb2", "10", "--json"],
    ["simulate", "--act", "sign", "--sw2", "1", "--width", "8", "--depth", "2", "--seed",
     "99999999999999999999999"],
    ["maps", "--act", "sign", "--sw2", "0x10"],
]
LEVEL_LISTS_BAD = ["", ",", "2,,4", "1", "2..1", "a..b", "0x2", "2..99999999999", "4,2,,"]


def random_steps(rng):
    k = rng.randint(1, 4)
    t = sorted(rng.uniform(-8, 8) for _ in range(k))
    if rng.random() < 0.2:
        t[rng.randrange(k)] = 0.0
        t = sorted(set(t))
        k = len(t)
    y = [rng.choice([0.0, rng.uniform(-5, 5), rng.uniform(-600, 600)]) for _ in range(k + 1)]
    if all(v == y[0] for v in y):
        y[-1] += 1.0
    return "steps:t=" + ";".join(f"{v:.6g}" for v in t) + ",y=" + ";".join(f"{v:.6g}" for v in y)


class Generator:
    def __init__(self, rng, long_mode):
        self.rng = rng
        self.long = long_mode

    def pick(self, good, bad=(), bad_rate=0.15):
        return self.rng.choice(bad) if bad and self.rng.random() < bad_rate else self.rng.choice(good)

    def number(self, lo, hi, log=False):
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice(NUMBERS_BAD)
        if r < 0.25:
            return self.rng.choice(NUMBERS_EDGE)
        if log:
            return f"{10 ** self.rng.uniform(math.log10(lo), math.log10(hi)):.6g}"
        return f"{self.rng.uniform(lo, hi):.6g}"

    def integer(self, lo, hi):
        r = self.rng.random()
        if r < 0.1:
            return self.rng.choice(INTS_EDGE)
        return str(self.rng.randint(lo, hi))

    def spec(self, step_only=False):
        r = self.rng.random()
        if r < 0.15:
            return self.rng.choice(SPECS_BAD)
        if r < 0.4:
            return random_steps(self.rng)
        good = [s for s in SPECS_GOOD if not step_only or s not in
                ("tanh", "erf", "relu", "hardtanh", "linear")]
        return self.rng.choice(good)

    def grid(self, lo, hi, n_max):
        if self.rng.random() < 0.1:
            return self.rng.choice(["1:2", "1:2:0", "2:1:3", "1:1:1", "0:inf:3", "a:b:c",
                                    "1:2:3:4", "1e-300:1e300:4", "1:2:1", "1:2:100001"])
        a = self.rng.uniform(lo, hi)
        b = self.rng.uniform(a, hi)
        return f"{a:.4g}:{b:.4g}:{self.rng.randint(2, n_max)}"

    def optional(self, args, name, value, rate=0.5):
        if self.rng.random() < rate:
            args += [name, value]

    def maps(self):
        args = ["maps", "--act", self.spec(), "--sw2", self.number(0.01, 10, log=True)]
        self.optional(args, "--sb2", self.number(0, 2))
        self.optional(args, "--q0", self.number(0.01, 100, log=True), 0.3)
        self.optional(args, "--c0", self.number(-1.2, 1.2), 0.3)
        self.optional(args, "--depth", self.integer(0, 200 if self.long else 20), 0.3)
        return args

    def critical(self):
        return ["critical", "--act", self.spec(), "--sb2", self.number(0, 1)]

    def lmax(self):
        hi = 64 if self.long else 12
        levels = (self.rng.choice(LEVEL_LISTS_BAD) if self.rng.random() < 0.15 else
                  f"2..{self.rng.randint(2, hi)}" if self.rng.random() < 0.5 else
                  ",".join(str(self.rng.randint(2, hi)) for _ in range(self.rng.randint(1, 4))))
        args = ["lmax", "--levels", levels]
        self.optional(args, "--family", self.pick(["uniform", "lloyd"], ["", "foo"]), 0.4)
        self.optional(args, "--k", self.number(0.1, 10), 0.3)
        self.optional(args, "--depth", self.number(1, 1e4, log=True), 0.2)
        if self.rng.random() < 0.2:
            args.append("--exponents")
        return args

    def simulate(self):
        args = ["simulate", "--act", self.spec(), "--sw2", self.number(0.1, 4, log=True),
                "--width", self.integer(2, 256 if self.long else 48),
                "--depth", self.integer(1, 20 if self.long else 6)]
        self.optional(args, "--sb2", self.number(0, 1))
        self.optional(args, "--nets", self.integer(2, 6), 0.6)
        self.optional(args, "--seed", self.integer(0, 1 << 40), 0.3)
        self.optional(args, "--c0", self.number(-1, 1), 0.3)
        self.optional(args, "--q0", self.number(0.1, 10), 0.2)
        self.optional(args, "--ste-slope", self.number(0.1, 3), 0.1)
        self.optional(args, "--ste-clip", self.number(0.1, 3), 0.1)
        args += ["--threads", "1"]
        return args

    def phase(self):
        n = 8 if self.long else 4
        # Smooth activations cost ~0.4 s a grid point: long mode only.
        return ["phase", "--act", self.spec(step_only=not self.long), "--sw2", self.grid(0.1, 4, n),
                "--sb2", self.grid(0, 1, n), "--line-points", self.integer(2, 4),
                "--threads", "1"]

    def cmap(self):
        args = ["cmap", "--act", self.spec(step_only=True)]
        self.optional(args, "--sw2", self.pick(["crit", "best", "1.5", "0.5"], NUMBERS_BAD), 0.6)
        self.optional(args, "--sb2", self.number(0, 0.5), 0.5)
        self.optional(args, "--points", self.integer(2, 40), 0.5)
        return args

    def general(self):
        return self.rng.choice([[], ["--version"], ["nosuch"], ["--sw2", "1"], ["maps"],
                                ["maps", "--act"], ["maps", "--act", "sign"],
                                ["figures", "--list"], ["figures", "--only", "nosuch"],
                                ["maps", "--act", "sign", "--sw2", "1", "--bogus"]])

    def vector(self):
        kinds = ["maps"] * 5 + ["critical", "lmax", "simulate", "phase", "cmap", "general"]
        kind = self.rng.choice(kinds)
        args = getattr(self, kind)()
        if kind not in ("general",) and self.rng.random() < 0.85:
            args.append("--json")
        return args


def find_non_finite(value, path="$"):
    """Problems with numbers in a parsed JSON document."""
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}"
            if key.endswith("_infinite"):
                base = key[: -len("_infinite")]
                if item is not True or base not in value or value[base] != "inf":
                    problems.append(f"{where}: an _infinite flag without \"inf\" in {base}")
            elif isinstance(item, str) and item.strip().lower() in (
                    "inf", "-inf", "+inf", "nan", "infinity", "-infinity") and not (
                    item == "inf" and value.get(key + "_infinite") is True):
                problems.append(f"{where}: a non-finite number as the string {item!r}")
            problems += find_non_finite(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += find_non_finite(item, f"{path}[{i}]")
    return problems


def reject_constant(name):
    raise ValueError(name + " is not a JSON number")


def check(qmf, args, timeout):
    with tempfile.TemporaryDirectory(prefix="qmf-fuzz-") as work:
        try:
            run = subprocess.run([qmf] + args, cwd=work, capture_output=True, timeout=timeout,
                                 env=dict(os.environ, OMP_NUM_THREADS="1"))
        except subprocess.TimeoutExpired:
            return f"no result within {timeout} s"
    status = run.returncode
    stderr = run.stderr.decode(errors="replace")
    if status not in (0, 2, 3):
        return f"exit status {status}: {stderr.strip()[:200]}"
    lines = stderr.splitlines()
    if status != 0 and len(lines) != 1:
        return f"exit {status} with {len(lines)} stderr lines: {stderr[:200]!r}"
    # Messages say what failed in qmf's terms, not in a library's internals.
    echoed_nan = any("nan" in a.lower() for a in args)
    if "boost::" in stderr or (not echoed_nan and re.search(r"\bnan\b", stderr.lower())):
        return f"a message leaks internals: {stderr.strip()[:200]}"
    if status == 0 and "--json" in args and args[0] not in ("figures",):
        try:
            document = json.loads(run.stdout, parse_constant=reject_constant)
        except ValueError as e:
            return f"--json output is not valid JSON: {str(e)[:150]}"
        problems = find_non_finite(document)
        if problems:
            return "; ".join(problems[:3])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qmf")
    parser.add_argument("--long", action="store_true", help="20000 vectors, larger sizes")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--count", type=int, help="number of vectors (1000, or 20000 with --long)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    options = parser.parse_args()
    count = options.count or (20000 if options.long else 1000)
    generator = Generator(random.Random(options.seed), options.long)
    vectors = ISSUE_15 + [generator.vector() for _ in range(count - len(ISSUE_15))]
    count = len(vectors)
    qmf = os.path.realpath(options.qmf)
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        results = pool.map(lambda a: (a, check(qmf, a, options.timeout)), vectors)
        for args, problem in results:
            if problem:
                failures += 1
                print(f"FAIL qmf {shlex.join(args)}: {problem}")
    print(f"{count - failures} of {count} fuzzed command lines kept the contract")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
