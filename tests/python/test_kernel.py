"""qmf.maps, iterate_maps, critical, propagate and the kernel classes against
`qmf maps/critical --json` on the same input. The package and the program call
the same library, so the numbers agree to rounding (rel 1e-13: both print
round-trip doubles)."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import close, json_of

HEADER = ("version", "command")  # the CLI's JSON header, not a result
# Fields of `qmf maps` the package does not report yet: the cusp regime's log10(1 - c*).
NOT_IN_PACKAGE = ("log10_one_minus_c_star",)

MAPS_CASES = [
    ("quant:16", 2.5, 0.05, 1.0, 0.5, 3),
    ("sign", 1.0, 0.3, 1.0, 0.5, None),
    ("tanh", 1.85, 0.05, 2.0, -0.5, 4),
    ("relu", 1.5, 0.05, 1.0, 0.5, None),
    ("lloyd:8", 1.5, 0.05, 1.0, 0.9, 2),
]


@pytest.mark.parametrize("act,sw2,sb2,q0,c0,depth", MAPS_CASES)
def test_maps_equals_cli(act, sw2, sb2, q0, c0, depth):
    args = ["maps", "--act", act, "--sw2", sw2, "--sb2", sb2, "--q0", q0, "--c0", c0]
    cli = json_of(*args, *(["--depth", depth] if depth is not None else []))
    ours = qmf.maps(act, sw2, sb2, q0=q0, c0=c0, depth=depth)
    assert close(ours, {k: v for k, v in cli.items() if k not in HEADER + NOT_IN_PACKAGE})


def test_maps_of_a_step_activation_has_infinite_chi_1():
    assert qmf.maps("quant:4", 1.5)["chi_1"] == math.inf


def test_iterate_maps_equals_the_cli_layers():
    cli = json_of("maps", "--act", "erf", "--sw2", 1.5, "--sb2", 0.05, "--q0", 3, "--c0", 0.2,
                  "--depth", 5)
    ours = qmf.iterate_maps("erf", 1.5, 0.05, q0=3.0, c0=0.2, depth=5)
    assert list(ours["l"]) == [s["l"] for s in cli["layers"]]
    assert close(list(ours["q"]), [s["q"] for s in cli["layers"]])
    assert close(list(ours["c"]), [s["c"] for s in cli["layers"]])


@pytest.mark.parametrize("act,sb2", [("quant:16", 0.0), ("quant:8", 0.1), ("sign", 0.0),
                                     ("tanh", 0.05), ("steps:t=-0.5;0.5,y=-1;0;1", 0.02)])
def test_critical_equals_cli(act, sb2):
    cli = json_of("critical", "--act", act, "--sb2", sb2)
    assert close(qmf.critical(act, sb2=sb2), {k: v for k, v in cli.items() if k not in HEADER})


def test_propagate_equal_norms_follows_the_maps():
    # Layer map applied to the full kernel state: its equal-norm components are
    # the length and correlation maps of `qmf maps --depth` (rel 1e-12: the
    # correlation comes from q12 / sqrt(q1 q2) here, from c' directly there).
    cli = json_of("maps", "--act", "quant:16", "--sw2", 2.5, "--sb2", 0.05, "--c0", 0.3,
                  "--depth", 4)
    layer = qmf.LayerMap(qmf.activation("quant:16"), qmf.Dense(sw2=2.5, sb2=0.05))
    states = qmf.propagate(layer, qmf.KernelState.equal_norms(1.0, 0.3), 4)
    assert len(states) == 5
    assert close([s.q1 for s in states], [s["q"] for s in cli["layers"]], rel=1e-12)
    assert close([s.correlation for s in states], [s["c"] for s in cli["layers"]], rel=1e-12)
    assert states[2].q1 == states[2].q2


def test_layer_map_components_match_the_state_map():
    phi = qmf.activation("tanh")
    layer = qmf.LayerMap(phi, qmf.Dense(1.5, 0.05))
    out = layer(qmf.KernelState.equal_norms(2.0, 0.4))
    assert math.isclose(out.q1, layer.length(2.0), rel_tol=1e-13)
    assert math.isclose(out.q12, layer.covariance(2.0, 0.4), rel_tol=1e-13)
    assert math.isclose(out.correlation_complement, layer.correlation_complement(2.0, 0.4),
                        rel_tol=1e-12)
    # Dense alone: K' = sw2 K + sb2 (independent closed form).
    dense = qmf.Dense(sw2=2.0, sb2=0.1)
    after = dense(qmf.KernelState.with_norms(1.0, 4.0, 0.5))
    assert (after.q1, after.q2) == (2.1, 8.1) and math.isclose(after.q12, 2.0 * 1.0 + 0.1)
    assert layer.act.spec == "tanh" and layer.dense.sw2 == 1.5 and layer.dense.sb2 == 0.05


def test_kernel_state_unequal_norms_reaches_the_equal_norm_fixed_point():
    # Two inputs of different norms converge to the same q* (that of `qmf maps`).
    cli = json_of("maps", "--act", "erf", "--sw2", 1.5, "--sb2", 0.05)
    layer = qmf.LayerMap(qmf.activation("erf"), qmf.Dense(1.5, 0.05))
    last = qmf.propagate(layer, qmf.KernelState.with_norms(0.5, 3.0, 0.2), 200)[-1]
    assert math.isclose(last.q1, cli["q_star"], rel_tol=1e-9)
    assert math.isclose(last.q2, cli["q_star"], rel_tol=1e-9)
    assert np.isfinite(last.ntk12) and last.ntk12 > 0


@pytest.mark.parametrize("act,sb2", [("quant:16", 0.0), ("quant:8", 0.1), ("tanh", 0.05),
                                     ("steps:t=-2:2,y=-3:0:3", 0.0), ("quant:3,D=4", 0.0)])
def test_maps_at_crit_and_star_equals_cli(act, sb2):
    # sw2 = "crit" and q0 = "star" as `qmf maps --sw2 crit --q0 star` resolves them: the
    # critical point's own q* (the two multi-branch steps collapse from q = 1 there).
    cli = json_of("maps", "--act", act, "--sw2", "crit", "--sb2", sb2, "--q0", "star")
    ours = qmf.maps(act, "crit", sb2, q0="star")
    assert ours["sw2_choice"] == "critical" and ours["q0_choice"] == "fixed_point"
    assert close(ours, {k: v for k, v in cli.items() if k not in HEADER + NOT_IN_PACKAGE})


def test_critical_names_chi_max_for_step_activations():
    unbiased = qmf.critical("quant:16")
    assert unbiased["chi_max"] == unbiased["chi_c"] and unbiased["xi_max"] == unbiased["xi_c"]
    biased = qmf.critical("quant:16", sb2=0.1, k=3)
    assert biased["chi_max"] == biased["chi_c"] < unbiased["chi_max"]
    assert biased["L_max"] == 3 * biased["xi_c"]
    assert "chi_max" not in qmf.critical("tanh", sb2=0.1)
    assert qmf.critical("tanh")["L_max"] == math.inf
    with pytest.raises(ValueError):
        qmf.maps("quant:4", "critical")


@pytest.mark.parametrize("act", ["gelu", "silu", "sigmoid", "softplus", "leaky_relu,a=0.2",
                                 "elu", "selu", "quant:3bit", "steps:t=-0.5:0.5,y=-1:0:1"])
def test_new_specs_equal_cli(act):
    # The smooth activations and spec forms of issue 13, through the package as through the CLI.
    cli = json_of("maps", "--act", act, "--sw2", 1.5, "--sb2", 0.05)
    ours = qmf.maps(act, 1.5, 0.05)
    assert close(ours, {k: v for k, v in cli.items() if k not in HEADER + NOT_IN_PACKAGE})
