"""Response functions and information checked against closed forms and numeric derivatives."""

import numpy as np
import pytest

from app.irt.models import category_probabilities, expected_score, item_information
from app.irt.parameters import ItemParameters

THETA = np.linspace(-3, 3, 13)


def _bank() -> ItemParameters:
    return ItemParameters.from_records([
        {"item_id": "r", "model": "rasch", "b": 0.3},
        {"item_id": "d", "model": "2pl", "a": 1.4, "b": -0.5},
        {"item_id": "t", "model": "3pl", "a": 0.9, "b": 1.0, "c": 0.2},
        {"item_id": "g", "model": "gpcm", "a": 1.2, "steps": [-1.0, 0.2, 1.1]},
        {"item_id": "p", "model": "pcm", "steps": [0.5, -0.4]},
        {"item_id": "s", "model": "grm", "a": 1.6, "steps": [-1.2, 0.0, 0.9]},
    ])


def test_probabilities_sum_to_one_and_padding_is_zero() -> None:
    probs = category_probabilities(_bank(), THETA)
    assert probs.shape == (13, 6, 4)
    np.testing.assert_allclose(probs.sum(axis=2), 1.0, atol=1e-12)
    assert np.all(probs[:, :3, 2:] == 0) and np.all(probs[:, 4, 3] == 0)


def test_three_pl_matches_formula() -> None:
    p = category_probabilities(_bank(), np.array([1.0]))[0, 2, 1]
    assert p == pytest.approx(0.2 + 0.8 * 0.5)


def test_information_equals_fisher_information_numerically() -> None:
    """I(θ) = Σ_k (∂P_k/∂θ)² / P_k for every model."""
    bank, h = _bank(), 1e-5
    upper, lower = category_probabilities(bank, THETA + h), category_probabilities(bank, THETA - h)
    dp = (upper - lower) / (2 * h)
    probs = category_probabilities(bank, THETA)
    numeric = np.sum(np.where(probs > 0, dp**2 / np.where(probs > 0, probs, 1), 0), axis=2)
    np.testing.assert_allclose(item_information(bank, THETA), numeric, rtol=1e-5, atol=1e-9)


def test_expected_score_increases_with_theta() -> None:
    scores = expected_score(_bank(), THETA)
    assert np.all(np.diff(scores, axis=0) > 0)


def test_subset_of_mixed_items_keeps_working_with_narrower_steps() -> None:
    """A subset whose polytomous items have fewer steps than the whole set's widest."""
    bank = _bank()
    part = bank.subset([0, 4])  # rasch + a 2-step PCM item; the full set is 3 steps wide
    assert part.steps.shape == (2, 2)
    probs = category_probabilities(part, THETA)
    assert probs.shape == (13, 2, 3)
    np.testing.assert_allclose(probs, category_probabilities(bank, THETA)[:, [0, 4], :3])
