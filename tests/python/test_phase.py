"""qmf.phase and qmf.critical_line against `qmf phase --out` (its CSV and JSON)."""
import csv
import math

import numpy as np

import qmf
from qmf_cli import json_of, run


def test_phase_equals_the_cli_csv(tmp_path):
    status, _, err = run("phase", "--act", "quant:8", "--sw2", "0.5:3:5", "--sb2", "0:0.4:3",
                         "--line-points", 4, "--threads", 1, "--out", tmp_path / "p")
    assert status == 0, err
    rows = list(csv.DictReader(open(tmp_path / "p.csv")))
    ours = qmf.phase("quant:8", np.linspace(0.5, 3, 5), np.linspace(0, 0.4, 3), threads=2)
    assert ours["q_star"].shape == (3, 5)
    for k, row in enumerate(rows):  # sb2 outer, as the CSV
        j, i = divmod(k, 5)
        assert float(row["sw2"]) == ours["sw2"][i] and float(row["sb2"]) == ours["sb2"][j]
        assert row["status"] == ours["status"][j, i]
        for key in ("q_star", "c_star", "chi_c", "chi_1", "xi_c"):
            if row[key] == "":
                assert ours[key].mask[j, i]
            else:
                assert math.isclose(float(row[key]), ours[key][j, i], rel_tol=1e-13)


def test_phase_masks_points_without_values_and_never_returns_nan():
    # relu at sw2 > 2 diverges: those points are masked, not NaN.
    ours = qmf.phase("relu", [1.0, 3.0], [0.1], threads=1)
    assert list(ours["status"][0]) == ["ok", "diverged"]
    assert ours["q_star"].mask.tolist() == [[False, True]]
    assert not np.isnan(ours["q_star"].data).any()


def test_critical_line_equals_the_cli_line():
    cli = json_of("phase", "--act", "tanh", "--sw2", "0.5:3:2", "--sb2", "0:0.4:2",
                  "--line-points", 4, "--threads", 1)
    line = cli["order_chaos_line"]
    ours = qmf.critical_line("tanh", [p["sb2"] for p in line], threads=2)
    assert np.allclose(ours["sw2"], [p["sw2"] for p in line], rtol=1e-13, atol=0)
    assert list(ours["xi_c"]) == [math.inf] * len(line)
    assert np.allclose(ours["q_star"], [p["q_star"] for p in line], rtol=1e-13, atol=0)
    assert list(ours["from_q0"]) == [p["from_q0"] for p in line]
    # On chi_1 = 1: q* is the length map's fixed point and sw2 E[phi'(u)^2] = 1 there
    # (the root searches stop at 1e-12 or better; 1e-10 leaves room).
    phi = qmf.activation("tanh")
    positive = ours["sb2"] > 0  # at sb2 = 0 the line ends at q* = 0
    q, sw2, sb2 = ours["q_star"][positive], ours["sw2"][positive], ours["sb2"][positive]
    assert np.allclose(sw2 * phi.second_moment(q) + sb2, q, rtol=1e-10, atol=0)
    assert np.allclose(sw2 * phi.derivative_second_moment(q), 1.0, rtol=1e-10, atol=0)


def test_critical_line_of_a_multistable_step_activation_equals_the_cli_line():
    # Two stable length fixed points: up to sb2 ~ 0.08 the best sw2's q* is a branch that
    # q = 1 does not reach (docs/cli.md, qmf phase), where from_q0 is false.
    act = "steps:t=-2:2,y=-3:0:3"
    cli = json_of("phase", "--act", act, "--sw2", "0.5:3:2", "--sb2", "0:0.2:2",
                  "--line-points", 6, "--threads", 1)
    line = cli["best_sw2_line"]
    ours = qmf.critical_line(act, [p["sb2"] for p in line], threads=2)
    for key in ("sw2", "xi_c", "q_star"):
        assert np.allclose(ours[key], [p[key] for p in line], rtol=1e-13, atol=0), key
    assert ours["from_q0"].dtype == bool
    assert list(ours["from_q0"]) == [p["from_q0"] for p in line]
    assert not ours["from_q0"][0] and ours["from_q0"][-1]
    # Independently: q* is a fixed point of the length map, and qmf.maps from q0 = 1
    # lands on it exactly where from_q0 says so (elsewhere q collapses to 0 or another q*).
    phi = qmf.activation(act)
    for sw2, sb2, q, reached in zip(ours["sw2"], ours["sb2"], ours["q_star"], ours["from_q0"]):
        assert math.isclose(sw2 * phi.second_moment(q) + sb2, q, rel_tol=1e-10)
        try:
            from_one = qmf.maps(act, sw2, sb2, q0=1.0)["q_star"]
        except qmf.NumericalError:  # the collapse to q = 0
            from_one = 0.0
        assert math.isclose(from_one, q, rel_tol=1e-6) == reached
