"""Anchor drift flags a planted shifted anchor and nothing else."""

import numpy as np
import pytest

from app.irt.drift import anchor_drift, purify_anchors, robust_z
from app.irt.linking import link, transform
from app.irt.parameters import ItemParameters


def _calibrations(shift: float) -> tuple[ItemParameters, ItemParameters]:
    rng = np.random.default_rng(8)
    target = ItemParameters.from_records([
        {"item_id": f"a{i}", "model": "2pl", "a": rng.uniform(0.8, 1.8), "b": rng.normal()}
        for i in range(20)
    ] + [{"item_id": "g", "model": "gpcm", "a": 1.1, "steps": [-0.6, 0.4]}])
    source = transform(target, 1 / 1.1, 0.3 / 1.1)
    source.b = source.b + rng.normal(0, 0.04, source.n_items)  # estimation noise
    source.steps = source.steps + rng.normal(0, 0.04, source.steps.shape)
    source.b[5] += shift  # anchor a5 became harder (e.g. exposed, or the curriculum changed)
    return source, target


def test_robust_z() -> None:
    z = robust_z(np.array([0.0, 0.1, -0.1, 0.05, -0.05, 2.0]))
    assert abs(z[-1]) > 10 and np.all(np.abs(z[:-1]) < 2)
    assert robust_z(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert robust_z(np.array([0.0, 0.0, 0.0, 1.0]))[-1] == np.inf


def test_planted_shift_is_flagged_and_clean_anchors_are_not() -> None:
    source, target = _calibrations(shift=0.8)
    linked = link(source, target, "stocking-lord")
    table = anchor_drift(linked.transformed, target)
    assert table.item_ids[np.flatnonzero(table.drifting)[0]] == "a5"
    assert table.drifting.sum() == 1
    assert table.delta_b[5] < -0.5 and table.rows()[5]["drifting"] is True


def test_small_spread_does_not_flag_tiny_shifts() -> None:
    """With near-identical anchors z is large for a 0.1 shift, but |Δb| < 0.3 keeps it clean."""
    source, target = _calibrations(shift=0.1)
    table = anchor_drift(link(source, target, "mean-sigma").transformed, target)
    assert not table.drifting.any()


def test_purification_drops_the_drifter_and_relinks() -> None:
    source, target = _calibrations(shift=1.0)
    before = link(source, target, "mean-sigma")
    result, table, dropped = purify_anchors(source, target, "mean-sigma")
    assert dropped == ["a5"] and "a5" not in table.item_ids and not table.drifting.any()
    assert abs(result.A - 1.1) < abs(before.A - 1.1)
    assert pytest.approx(-0.3, abs=0.05) == result.B
