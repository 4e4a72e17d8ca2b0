"""Anchored (fixed-parameter) calibration: new items join the bank's scale through anchors.

The reference scale is defined by 20 anchor items with known parameters. A new sample with
ability N(0.5, 1.2²) sits the anchors and 10 new items; with the anchors fixed, EM estimates μ
and σ of the new population and the new items on the *generating* scale. With 4,000 persons,
SE(μ) ≈ 1.2/√4000 ≈ 0.02 and SE(σ) ≈ 0.02, so we allow 0.06.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.simulate import simulate_responses
from app.irt.parameters import ItemParameters


def combined(anchors: ItemParameters, new: ItemParameters) -> ItemParameters:
    return ItemParameters(anchors.item_ids + new.item_ids,
                          np.concatenate([anchors.model, new.model]),
                          np.concatenate([anchors.a, new.a]), np.concatenate([anchors.b, new.b]),
                          np.concatenate([anchors.c, new.c]),
                          np.vstack([anchors.steps, new.steps]))


@pytest.fixture
def anchored_fit(well_spread):
    rng = np.random.default_rng(21)
    anchors = well_spread("2pl", 20, rng, prefix="anchor-")
    new = well_spread("2pl", 10, rng, prefix="new-")
    new.b = new.b + 0.5  # new items a little harder, as they often are
    everything = combined(anchors, new)
    data = simulate_responses(everything, rng.normal(0.5, 1.2, size=4000), rng)
    est = MMLEstimator("2pl").fit(data, everything.item_ids, anchors=anchors)
    return est, anchors, new


def test_population_is_estimated_on_the_anchor_scale(anchored_fit) -> None:
    est, _, _ = anchored_fit
    assert est.converged_
    assert est.mean_ == pytest.approx(0.5, abs=0.06)
    assert est.sd_ == pytest.approx(1.2, abs=0.06)


def test_new_items_recover_generating_parameters(anchored_fit) -> None:
    est, _, new = anchored_fit
    got = est.params_.subset(range(20, 30))
    assert got.item_ids == new.item_ids
    assert np.sqrt(np.mean((got.b - new.b) ** 2)) < 0.1
    assert np.sqrt(np.mean((got.a - new.a) ** 2)) < 0.1


def test_anchors_keep_their_values_and_have_no_se(anchored_fit) -> None:
    est, anchors, _ = anchored_fit
    got = est.params_.subset(range(20))
    np.testing.assert_array_equal(got.a, anchors.a)
    np.testing.assert_allclose(got.b, anchors.b, rtol=0, atol=1e-12)
    assert np.isnan(got.se["a"]).all() and np.isnan(got.se["b"]).all()
    assert est.anchors_used_ == anchors.item_ids


def test_free_population_needs_anchors() -> None:
    data = np.random.default_rng(0).integers(0, 2, size=(50, 4)).astype(float)
    with pytest.raises(ValueError, match="anchor"):
        MMLEstimator("2pl", latent="free").fit(data)
    with pytest.raises(ValueError, match="Rasch or PCM"):
        MMLEstimator("2pl", latent="free_sd").fit(data)
