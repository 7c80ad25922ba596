"""The weight-prior parameter (`weights=SPEC`, the CLI's --weights) of qmf.maps,
iterate_maps, phase, critical_line, lmax and lmax_biased against the program's
--json (or CSV) on the same input: the same spec strings, the same numbers
(rel 1e-13: both call the same library and print round-trip doubles), and bad
specs as ValueError naming the field."""
import csv
import math

import numpy as np
import pytest

import qmf
from qmf_cli import close, failure, json_of, run

HEADER = ("version", "command", "log10_one_minus_c_star")
PER_EXAMPLE = "bits:4,rounding=stochastic-per-example"


def test_maps_with_weights_equals_cli():
    cli = json_of("maps", "--act", "quant:16", "--sw2", 2.5, "--sb2", 0.05, "--weights",
                  PER_EXAMPLE, "--depth", 3)
    ours = qmf.maps("quant:16", 2.5, 0.05, depth=3, weights=PER_EXAMPLE)
    assert ours["weights"] == "bits:4,clip=3,rounding=stochastic-per-example"
    assert ours["weight_noise"] > 0 and ours["c_star"] < 1
    assert close(ours, {k: v for k, v in cli.items() if k not in HEADER})


def test_iterate_maps_with_weights_equals_the_cli_layers():
    cli = json_of("maps", "--act", "tanh", "--sw2", 1.5, "--sb2", 0.05, "--c0", 0.9,
                  "--weights", "ternary,rounding=stochastic-per-example", "--depth", 4)
    ours = qmf.iterate_maps("tanh", 1.5, 0.05, c0=0.9, depth=4,
                            weights="ternary,rounding=stochastic-per-example")
    assert close(list(ours["c"]), [s["c"] for s in cli["layers"]])
    assert close(list(ours["q"]), [s["q"] for s in cli["layers"]])


def test_phase_with_weights_equals_the_cli(tmp_path):
    args = ["phase", "--act", "quant:8", "--sw2", "0.5:3:4", "--sb2", "0:0.4:3", "--line-points", 3,
            "--threads", 1, "--weights", "bits:2,rounding=stochastic-per-example"]
    status, _, err = run(*args, "--out", tmp_path / "p")
    assert status == 0, err
    rows = list(csv.DictReader(open(tmp_path / "p.csv")))
    meta = json_of(*args)
    ours = qmf.phase("quant:8", np.linspace(0.5, 3, 4), np.linspace(0, 0.4, 3), threads=2,
                     weights="bits:2,rounding=stochastic-per-example")
    for key in ("weights", "sw2_effective_per_sw2", "weight_noise_per_sw2"):
        assert close(ours[key], meta[key]), key
    for k, row in enumerate(rows):
        j, i = divmod(k, 4)
        assert row["status"] == ours["status"][j, i]
        for key in ("q_star", "c_star", "chi_c", "xi_c"):
            if row[key] != "":
                assert math.isclose(float(row[key]), ours[key][j, i], rel_tol=1e-13), key
    line = meta["best_sw2_line"]
    ours_line = qmf.critical_line("quant:8", [p["sb2"] for p in line], threads=2,
                                  weights="bits:2,rounding=stochastic-per-example")
    assert close(list(ours_line["sw2"]), [p["sw2"] for p in line])
    assert close(list(ours_line["xi_c"]), [p["xi_c"] for p in line])


def test_lmax_with_weights_equals_the_cli_weight_rows():
    cli = json_of("lmax", "--levels", "2,4,16", "--k", 5, "--weights", PER_EXAMPLE)
    ours = qmf.lmax("2,4,16", k=5, weights=PER_EXAMPLE, threads=2)
    assert ours["weights"] == cli["weights"][0]
    for r, row in enumerate(cli["weight_rows"]):
        for key, value in row.items():
            if key == "weights":
                continue
            if value is None:  # sw2_opt of N = 2
                assert ours[key].mask[r], key
            else:
                assert math.isclose(ours[key][r], value, rel_tol=1e-13), key


def test_lmax_biased_with_weights_equals_the_cli():
    cli = json_of("lmax", "--levels", "4,8", "--sb2", 0.1, "--k", 5, "--weights", PER_EXAMPLE)
    ours = qmf.lmax_biased("4,8", 0.1, k=5, weights=PER_EXAMPLE, threads=2)
    assert ours["weights"] == cli["weights"][0]
    for r, row in enumerate(cli["weight_fixed_quantizer"]):
        for key, value in row.items():
            if key != "weights":
                assert math.isclose(ours[key][r], value, rel_tol=1e-13), key


def _check_clip_rows(ours, rows):
    """qmf.lmax_clip's columns against the CLI's clip rows of one spec (1e-13)."""
    for r, row in enumerate(rows):
        assert ours["N"][r] == row["N"]
        assert bool(ours["clip_matters"][r]) == row["clip_matters"]
        assert bool(ours["attained"][r]) == row["attained"]
        assert (row["clip"] is None) == bool(ours["clip"].mask[r])
        for key in ("chi_sup", "L_sup"):
            assert math.isclose(ours[key][r], row[key], rel_tol=1e-13), key
        for j, point in enumerate(row["path"]):
            assert ours["path_clip"][j] == point["clip"]
            for key in ("noise_ratio", "sw2", "chi_c", "L"):
                assert math.isclose(ours["path_" + key][r, j], point[key], rel_tol=1e-13), key


@pytest.mark.parametrize("spec", ["bits:3,rounding=nearest",
                                  "bits:2,rounding=stochastic-per-example"])
def test_lmax_clip_equals_the_cli_optimise_clip(spec):
    cli = json_of("lmax", "--levels", "4,16", "--k", 5, "--weights", spec, "--optimise-clip")
    ours = qmf.lmax_clip("4,16", spec, k=5, threads=2)
    assert ours["weights"] == cli["weights"][0]
    _check_clip_rows(ours, cli["weight_clip_rows"])


def test_lmax_clip_at_sb2_equals_the_cli():
    cli = json_of("lmax", "--levels", "4,8", "--sb2", 0.1, "--weights", PER_EXAMPLE,
                  "--optimise-clip")
    ours = qmf.lmax_clip([4, 8], PER_EXAMPLE, sb2=0.1, threads=2)
    _check_clip_rows(ours, cli["weight_fixed_quantizer_clip_rows"])
    # Not attained: the supremum is the Gaussian-weight fixed quantizer's chi_c.
    assert not ours["attained"].any() and ours["clip"].mask.all()
    assert [row["chi_c"] for row in cli["fixed_quantizer"]] == pytest.approx(ours["chi_sup"],
                                                                              rel=1e-12)


def test_lmax_clip_needs_bits_weights():
    with pytest.raises(ValueError, match=r"^weights 'binary,rounding=nearest': only bits:B"):
        qmf.lmax_clip([4], "binary")


@pytest.mark.parametrize("call", [
    lambda spec: qmf.maps("quant:4", 1.5, weights=spec),
    lambda spec: qmf.phase("quant:4", [1.0], [0.0], weights=spec),
    lambda spec: qmf.critical_line("quant:4", [0.1], weights=spec),
    lambda spec: qmf.lmax([4], weights=spec),
    lambda spec: qmf.lmax_biased([4], 0.1, weights=spec),
])
def test_a_bad_spec_is_a_value_error_with_the_cli_message(call):
    status, message = failure("maps", "--act", "quant:4", "--sw2", 1.5, "--weights", "bits:33")
    assert status == 2 and message.startswith("weights 'bits:33'")
    with pytest.raises(ValueError) as raised:
        call("bits:33")
    assert str(raised.value) == message


def test_crit_with_weights_is_the_latent_critical_sw2():
    # Nearest rounding rescales the Gaussian point: E[Q^2] sw2 is the Gaussian critical sw2.
    ours = qmf.maps("quant:4", "crit", weights="bits:3")
    gaussian = qmf.maps("quant:4", "crit")
    assert math.isclose(ours["sw2_effective"], gaussian["sw2"], rel_tol=1e-12)
    assert math.isclose(ours["chi_c"], gaussian["chi_c"], rel_tol=1e-12)
