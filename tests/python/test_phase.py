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
