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


def test_n_min_equals_cli():
    # `qmf lmax --depth`: n_min at sb2 = 0 and of the fixed quantizer at sb2 > 0,
    # with Gaussian weights and in the weight_n_min rows.
    spec = "bits:4,rounding=stochastic-per-example"
    cli = json_of("lmax", "--levels", "4", "--depth", 40, "--sb2", 0.1, "--k", 5,
                  "--weights", spec, "--weights", "ternary")
    gaussian = qmf.n_min(40, k=5)
    assert (gaussian["N"], gaussian["L"]) == (cli["n_min"], cli["L_max_at_n_min"])
    assert gaussian["L_max_sup"] == math.inf
    fixed = qmf.n_min(40, k=5, sb2=0.1)
    assert (fixed["N"], fixed["L"]) == (cli["n_min_fixed_quantizer"],
                                        cli["L_at_n_min_fixed_quantizer"])
    for row in cli["weight_n_min"]:
        ours = qmf.n_min(40, k=5, weights=row["weights"])
        assert (ours["N"], ours["L"]) == (row["n_min"], row["L_max_at_n_min"])
        biased = qmf.n_min(40, k=5, weights=row["weights"], sb2=0.1)
        assert (biased["N"], biased["L"]) == (row["n_min_fixed_quantizer"],
                                              row["L_at_n_min_fixed_quantizer"])
    # Fewer levels than the depth asks for reach less: n_min is the first that reaches.
    assert qmf.lmax([gaussian["N"] - 1], k=5)["L_max"][0] < 40 <= gaussian["L"]


def test_n_min_beyond_the_per_example_bound_is_none():
    spec = "bits:2,rounding=stochastic-per-example"
    bound = qmf.n_min(1, weights=spec)["L_max_sup"]
    assert 0 < bound < math.inf
    assert qmf.n_min(bound, weights=spec) == {"N": None, "L": None, "L_max_sup": bound}


@pytest.mark.parametrize("kwargs,field", [
    ({"depth": 0}, "depth"), ({"depth": math.nan}, "depth"), ({"depth": 10, "k": -1}, "k"),
    ({"depth": 10, "family": "x"}, "family"), ({"depth": 10, "sb2": -1}, "sb2"),
    ({"depth": 10, "sb2": 0.1, "family": "lloyd"}, "sb2"), ({"depth": 10, "weights": "bits:1"},
                                                            "bits"),
    ({"depth": "10"}, "depth"),
])
def test_n_min_rejects_bad_arguments(kwargs, field):
    with pytest.raises(ValueError, match=field):
        qmf.n_min(**kwargs)
