"""qmf.lmax against `qmf lmax --json`: the same rows, as NumPy columns."""
import math

import numpy as np
import pytest

import qmf
from qmf_cli import json_of


@pytest.mark.parametrize("family,exponents", [("uniform", True), ("lloyd", False)])
def test_lmax_equals_cli(family, exponents):
    cli = json_of("lmax", "--levels", "2,3,4,16,100", "--family", family, "--k", 5,
                  *(["--exponents"] if exponents else []))
    ours = qmf.lmax("2..4,16,100", family=family, k=5, exponents=exponents, threads=2)
    assert set(ours) == set(cli["rows"][0])
    for r, row in enumerate(cli["rows"]):
        for key, value in row.items():
            if value is None:  # an empty CSV cell is masked, never NaN
                assert ours[key].mask[r], key
            else:
                assert math.isclose(ours[key][r], value, rel_tol=1e-13), key


def test_lmax_columns_are_arrays_of_the_levels():
    ours = qmf.lmax([16, 32])
    assert list(ours["N"]) == [16, 32] and ours["L_max"].shape == (2,)
    assert np.all(ours["L_max"] == 6.0 * ours["xi_max"])
    assert not np.ma.is_masked(ours["dtilde_opt"])


def test_lmax_biased_equals_cli():
    # `qmf lmax --sb2`: the fixed quantizer's rows and the joint supremum per N.
    cli = json_of("lmax", "--levels", "3,16", "--sb2", 0.1, "--k", 5)
    ours = qmf.lmax_biased("3,16", 0.1, k=5, threads=2)
    for r, row in enumerate(cli["fixed_quantizer"]):
        for key, value in row.items():
            assert math.isclose(ours[key][r], value, rel_tol=1e-13), key
    for r, row in enumerate(cli["joint"]["rows"]):
        for key in ("chi_sup", "L_sup"):
            assert math.isclose(ours[key][r], row[key], rel_tol=1e-13), key
    assert np.all(ours["chi_c"] < ours["chi_sup"])
