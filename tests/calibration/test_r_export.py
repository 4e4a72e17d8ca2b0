"""R export: wide responses with NA, and mirt's slope–intercept table (d = −a·b)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from app.calibration.files import ResponseTable
from app.calibration.r_export import README, export, mirt_rows
from app.irt.parameters import ItemParameters


def test_wide_responses_have_na_for_not_presented(tmp_path: Path) -> None:
    dense = np.array([[1, np.nan, 0], [np.nan, 2, np.nan]])
    table = ResponseTable.from_dense(dense, ["ann", "bob"], ["q1", "q2", "q3"])
    export(tmp_path, table, None)
    rows = list(csv.reader((tmp_path / "responses_wide.csv").open()))
    assert rows == [["person_id", "q1", "q2", "q3"], ["ann", "1", "NA", "0"],
                    ["bob", "NA", "2", "NA"]]
    assert not (tmp_path / "parameters_mirt.csv").exists()
    assert (tmp_path / "README.txt").read_text() == README


def test_mirt_table_uses_slope_intercept_form() -> None:
    params = ItemParameters.from_records([
        {"item_id": "d", "model": "3pl", "a": 1.5, "b": 0.4, "c": 0.2},
        {"item_id": "r", "model": "rasch", "b": -1.0},
        {"item_id": "g", "model": "gpcm", "a": 2.0, "steps": [-0.5, 0.25]},
        {"item_id": "s", "model": "grm", "a": 0.5, "steps": [-1.0, 1.0]},
    ])
    header, rows = mirt_rows(params)
    assert header == ["item", "itemtype", "a1", "d", "g", "u", "d1", "d2"]
    table = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert table["d"]["itemtype"] == "3PL" and float(table["d"]["d"]) == pytest.approx(-0.6)
    assert table["d"]["g"] == "0.2" and table["d"]["u"] == "1"
    assert table["r"]["itemtype"] == "Rasch" and float(table["r"]["d"]) == 1.0
    # gpcm: d_k = −a·(b_1 + … + b_k)
    assert [float(table["g"][k]) for k in ("d1", "d2")] == [1.0, 0.5]
    # graded: d_k = −a·b_k
    assert table["s"]["itemtype"] == "graded"
    assert [float(table["s"][k]) for k in ("d1", "d2")] == [0.5, -0.5]
    assert table["s"]["d"] == "NA"


def test_mirt_intercepts_reproduce_kete_probabilities() -> None:
    """mirt's gpcm form exp(k·a·θ + d_k) gives Kete's GPCM probabilities."""
    from app.irt.models import category_probabilities

    params = ItemParameters.from_records(
        [{"item_id": "g", "model": "gpcm", "a": 1.3, "steps": [-0.7, 0.2, 0.9]}])
    _, rows = mirt_rows(params)
    d = np.array([0.0] + [float(v) for v in rows[0][6:9]])
    theta = np.array([-1.0, 0.3, 2.0])
    z = np.arange(4) * 1.3 * theta[:, None] + d
    mirt = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(mirt, category_probabilities(params, theta)[:, 0], atol=1e-12)
