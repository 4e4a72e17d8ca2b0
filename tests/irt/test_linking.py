"""Linking recovers known constants, exactly without estimation error and closely with it."""

import numpy as np
import pytest

from app.irt.linking import LINKING_METHODS, common_items, link, transform, transform_abilities
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters

A_TRUE, B_TRUE = 1.25, -0.4


def _bank(rng: np.random.Generator, n: int = 24) -> ItemParameters:
    records = []
    for i in range(n):
        model = ("2pl", "3pl", "gpcm", "grm")[i % 4]
        rec: dict = {"item_id": f"i{i}", "model": model, "a": rng.uniform(0.7, 2.0)}
        if model in ("2pl", "3pl"):
            rec["b"] = rng.normal()
        else:
            rec["steps"] = np.sort(rng.normal(size=3)).tolist()
        rec["c"] = 0.2 if model == "3pl" else 0.0
        records.append(rec)
    return ItemParameters.from_records(records)


def _from_scale(target: ItemParameters) -> ItemParameters:
    """The same items calibrated on a scale with θ_to = A·θ_from + B."""
    return transform(target, 1 / A_TRUE, -B_TRUE / A_TRUE)


def test_transform_keeps_response_curves_invariant() -> None:
    params = _bank(np.random.default_rng(0))
    theta = np.linspace(-3, 3, 7)
    moved = transform(params, A_TRUE, B_TRUE)
    np.testing.assert_allclose(category_probabilities(moved, A_TRUE * theta + B_TRUE),
                               category_probabilities(params, theta), atol=1e-12)
    assert np.array_equal(moved.c, params.c)
    t, se = transform_abilities(np.array([0.0, 1.0]), np.array([0.2, 0.3]), 2.0, 1.0)
    assert t.tolist() == [1.0, 3.0] and se.tolist() == [0.4, 0.6]


@pytest.mark.parametrize("method", LINKING_METHODS)
def test_exact_recovery_on_error_free_parameters(method: str) -> None:
    target = _bank(np.random.default_rng(1))
    result = link(_from_scale(target), target, method)
    assert pytest.approx(A_TRUE, abs=1e-6) == result.A
    assert pytest.approx(B_TRUE, abs=1e-6) == result.B
    assert len(result.common_items) == target.n_items
    np.testing.assert_allclose(result.transformed.a, target.a, atol=1e-5)
    np.testing.assert_allclose(result.transformed.steps, target.steps, atol=1e-5)


@pytest.mark.parametrize("method", LINKING_METHODS)
def test_close_recovery_on_noisy_estimates(method: str) -> None:
    rng = np.random.default_rng(2)
    target = _bank(rng, 40)
    source = _from_scale(target)
    for params in (source, target):  # estimation error in both calibrations
        params.a = params.a * np.exp(rng.normal(0, 0.05, params.n_items))
        params.b = params.b + rng.normal(0, 0.05, params.n_items)
        params.steps = params.steps + rng.normal(0, 0.05, params.steps.shape)
    result = link(source, target, method)
    assert pytest.approx(A_TRUE, abs=0.06) == result.A
    assert pytest.approx(B_TRUE, abs=0.05) == result.B


def test_only_common_items_are_used_and_unique_items_are_transformed_too() -> None:
    rng = np.random.default_rng(3)
    target = _bank(rng)
    source = _from_scale(target)
    source.item_ids = [f"new{k}" if k % 3 == 0 else i for k, i in enumerate(source.item_ids)]
    result = link(source, target, "haebara")
    assert len(result.common_items) == 16 and "new0" not in result.common_items
    assert result.transformed.b[0] == pytest.approx(target.b[0], abs=1e-6)  # a unique item
    few = link(source, target, "haebara", exclude=result.common_items[:10])
    assert len(few.common_items) == 6 and pytest.approx(A_TRUE, abs=1e-6) == few.A


def test_rasch_calibrations_only_shift() -> None:
    target = ItemParameters.from_records(
        [{"item_id": f"r{i}", "model": "rasch", "b": b} for i, b in enumerate([-1, 0, 0.5, 2])]
        + [{"item_id": "p", "model": "pcm", "steps": [-0.5, 0.5]}])
    source = transform(target, 1.0, 0.7)
    for method in LINKING_METHODS:
        result = link(source, target, method)
        assert result.A == 1.0 and pytest.approx(-0.7, abs=1e-6) == result.B
        assert set(result.transformed.model) == {"rasch", "pcm"}
    assert transform(target, 1.2, 0.0).model.tolist() == ["2pl"] * 4 + ["gpcm"]


def test_errors() -> None:
    target = _bank(np.random.default_rng(4), 4)
    with pytest.raises(ValueError, match="unknown linking method"):
        link(target, target, "equipercentile")
    with pytest.raises(ValueError, match="at least 2 common items"):
        link(target, target, exclude=target.item_ids[1:])
    other = target.subset([0, 2])
    other.model[1] = "3pl"
    other.steps = np.full((2, 3), np.nan)
    with pytest.raises(ValueError, match="different numbers of categories: i2"):
        common_items(other, target)
