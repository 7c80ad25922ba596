"""qmf.simulate against `qmf simulate --json`: the same seeds draw the same
nets, so the statistics agree to rounding, for any thread count."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import json_of

COLUMNS = ("q_sim", "q_se", "q_mf", "c_sim", "c_se", "c_mf", "grad_sim", "grad_se", "grad_mf")


@pytest.mark.parametrize("act,sw2,sb2", [("quant:4", 1.8, 0.05), ("tanh", 1.5, 0.1)])
def test_simulate_equals_cli(act, sw2, sb2):
    cli = json_of("simulate", "--act", act, "--sw2", sw2, "--sb2", sb2, "--width", 48,
                  "--depth", 4, "--q0", 1.5, "--c0", 0.3, "--nets", 4, "--seed", 11,
                  "--threads", 1)
    ours = qmf.simulate(act, sw2, sb2, width=48, depth=4, q0=1.5, c0=0.3, nets=4, seed=11,
                        threads=2)
    assert list(ours["l"]) == [layer["l"] for layer in cli["layers"]]
    for key in COLUMNS:
        assert ours[key].shape == (5,)
        for value, layer in zip(ours[key], cli["layers"]):
            assert math.isclose(value, layer[key], rel_tol=1e-13), key
    assert ours["act"] == cli["act"]
    for key in ("ste_slope", "ste_clip"):
        assert (key in ours) == (key in cli) and (key not in cli or
                                                  math.isclose(ours[key], cli[key], rel_tol=1e-13))


def test_simulate_several_pairs_and_theory():
    # Several c0 give one column per pair; the simulated correlation lies
    # within 5 standard errors of the mean field (a loose bound: width 64 has
    # O(1/n) finite-width bias, and 5 se fail by chance with p < 1e-6 per cell).
    ours = qmf.simulate("quant:16", 1.0, 0.05, width=64, depth=3, c0=[0.0, 0.5, 0.9], nets=8,
                        seed=3, threads=2, backward=False)
    assert ours["c_sim"].shape == (4, 3) and "grad_sim" not in ours
    assert np.all(np.abs(ours["c_sim"] - ours["c_mf"]) <= 5 * ours["c_se"] + 2.0 / 64)


@pytest.mark.parametrize("act", ["quant:16", "steps:t=-2:2,y=-3:0:3"])
def test_simulate_at_crit_and_star_equals_cli(act):
    # --sw2 crit --q0 star: the numbers used are reported and agree with the CLI. The
    # multi-branch step starts on the critical point's own q* = 10.68 (q = 1 collapses there).
    cli = json_of("simulate", "--act", act, "--sw2", "crit", "--q0", "star", "--width", 16,
                  "--depth", 2, "--nets", 2, "--threads", 1)
    ours = qmf.simulate(act, "crit", 0.0, width=16, depth=2, q0="star", nets=2, threads=1)
    for key in ("sw2", "q0"):
        assert math.isclose(ours[key], cli[key], rel_tol=1e-13), key
    assert ours["sw2_choice"] == cli["sw2_choice"] == "critical"
    assert ours["q0_choice"] == cli["q0_choice"] == "fixed_point"
    for value, layer in zip(ours["q_mf"], cli["layers"]):
        assert math.isclose(value, layer["q_mf"], rel_tol=1e-13)


def test_simulate_with_a_one_sided_ste_window_equals_cli():
    args = ["simulate", "--act", "steps:t=0.25:0.75,y=0:0.5:1", "--sw2", 2, "--sb2", 0.05,
            "--width", 16, "--depth", 3, "--nets", 2, "--ste-window", "0:1", "--threads", 1]
    cli = json_of(*args)
    ours = qmf.simulate("steps:t=0.25:0.75,y=0:0.5:1", 2.0, 0.05, width=16, depth=3, nets=2,
                        threads=1, ste_window=(0, 1))
    assert ours["ste_window"] == (0.0, 1.0) and cli["ste_window"] == [0, 1]
    assert math.isclose(ours["ste_slope"], cli["ste_slope"], rel_tol=1e-13)
    for value, layer in zip(ours["grad_mf"], cli["layers"]):
        assert math.isclose(value, layer["grad_mf"], rel_tol=1e-13)
    with pytest.raises(ValueError):
        qmf.simulate("quant:4", 1.0, 0.0, width=8, depth=2, nets=2, ste_window=(1, 0))


@pytest.mark.parametrize("weights,method", [("bits:4,rounding=stochastic-per-example", "auto"),
                                            ("ternary", "weights"), ("gaussian", "weights"),
                                            ("gaussian", "gram")])
def test_simulate_with_weights_and_method_equals_cli(weights, method):
    cli = json_of("simulate", "--act", "quant:4", "--sw2", 1.8, "--sb2", 0.05, "--width", 32,
                  "--depth", 3, "--nets", 4, "--seed", 5, "--threads", 1, "--weights", weights,
                  "--method", method)
    ours = qmf.simulate("quant:4", 1.8, 0.05, width=32, depth=3, nets=4, seed=5, threads=2,
                        weights=weights, method=method)
    for key in ("weights", "method"):
        assert ours[key] == cli[key], key
    for key in ("sw2_effective", "weight_noise", "ste_slope"):
        assert math.isclose(ours[key], cli[key], rel_tol=1e-13, abs_tol=1e-300), key
    for key in COLUMNS:
        for value, layer in zip(ours[key], cli["layers"]):
            assert math.isclose(value, layer[key], rel_tol=1e-13), key


def test_simulate_rejects_a_bad_method_or_weights():
    with pytest.raises(ValueError, match="method 'fast'"):
        qmf.simulate("tanh", 1.5, 0.0, width=8, depth=2, nets=2, method="fast")
    with pytest.raises(ValueError, match="weights 'bits:0'"):
        qmf.simulate("tanh", 1.5, 0.0, width=8, depth=2, nets=2, weights="bits:0")
    with pytest.raises(ValueError):  # the Gram method needs Gaussian weights
        qmf.simulate("tanh", 1.5, 0.0, width=8, depth=2, nets=2, weights="binary", method="gram")


def test_simulate_method_cells_equals_cli():
    # The cell sums from Python and from the program: the same nets to rounding;
    # a smooth activation has no cells (ValueError, as the CLI's exit 2).
    cli = json_of("simulate", "--act", "quant:4", "--sw2", 1.8, "--sb2", 0.05, "--width", 600,
                  "--depth", 3, "--nets", 4, "--seed", 5, "--method", "cells")
    ours = qmf.simulate("quant:4", 1.8, 0.05, width=600, depth=3, nets=4, seed=5, method="cells")
    assert ours["method"] == cli["method"] == "cells"
    for key in COLUMNS:
        for value, layer in zip(ours[key], cli["layers"]):
            assert math.isclose(value, layer[key], rel_tol=1e-13), key
    with pytest.raises(ValueError, match="method cells needs a step activation"):
        qmf.simulate("tanh", 1.5, 0.05, width=100, depth=2, method="cells")


def test_crit_and_star_with_quantized_weights_equal_the_cli():
    # The latent critical sw2 of critical(..., weights) and the q* of the noisy maps
    # (review N 10: both were refused with weights).
    weights = "bits:4,rounding=stochastic-per-example"
    cli = json_of("simulate", "--act", "quant:8", "--sw2", "crit", "--sb2", 0.1, "--q0", "star",
                  "--weights", weights, "--width", 16, "--depth", 2, "--nets", 2, "--threads", 1)
    point = qmf.critical("quant:8", 0.1, weights=weights)
    assert math.isclose(cli["sw2"], point["sw2_opt"], rel_tol=1e-13)
    assert math.isclose(cli["q0"], point["q_star"], rel_tol=1e-13)
    ours = qmf.maps("quant:8", "crit", 0.1, q0="star", weights=weights)
    assert math.isclose(ours["sw2"], cli["sw2"], rel_tol=1e-13)
    assert math.isclose(ours["q0"], cli["q0"], rel_tol=1e-13)
    assert math.isclose(ours["q_star"], ours["q0"], rel_tol=1e-12)  # the steady state
