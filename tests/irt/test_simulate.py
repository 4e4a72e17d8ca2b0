"""Simulated responses follow the model's category probabilities; designs mask correctly."""

import numpy as np
import pytest

from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters
from app.irt.simulate import booklet_design, random_presentation, simulate_responses

BANK = ItemParameters.from_records([
    {"item_id": "r", "model": "rasch", "b": 0.3},
    {"item_id": "t", "model": "3pl", "a": 0.9, "b": 1.0, "c": 0.2},
    {"item_id": "g", "model": "gpcm", "a": 1.2, "steps": [-1.0, 0.2, 1.1]},
    {"item_id": "p", "model": "pcm", "steps": [0.5, -0.4]},
    {"item_id": "s", "model": "grm", "a": 1.6, "steps": [-1.2, 0.0, 0.9]},
])


def test_category_frequencies_match_the_model() -> None:
    theta = np.full(40000, 0.4)
    x = simulate_responses(BANK, theta, np.random.default_rng(0))
    expected = category_probabilities(BANK, np.array([0.4]))[0]
    for i in range(BANK.n_items):
        observed = np.bincount(x[:, i].astype(int), minlength=expected.shape[1]) / theta.size
        np.testing.assert_allclose(observed, expected[i], atol=0.01)
    assert np.all(x <= BANK.max_score) and np.all(x >= 0)


def test_same_seed_same_data() -> None:
    theta = np.linspace(-2, 2, 50)
    one = simulate_responses(BANK, theta, np.random.default_rng(7))
    two = simulate_responses(BANK, theta, np.random.default_rng(7))
    np.testing.assert_array_equal(one, two)


def test_presented_mask_gives_nan() -> None:
    rng = np.random.default_rng(1)
    mask = random_presentation(100, BANK.n_items, 0.6, rng)
    x = simulate_responses(BANK, rng.normal(size=100), rng, presented=mask)
    assert np.array_equal(np.isnan(x), ~mask)
    with pytest.raises(ValueError, match="presented has shape"):
        simulate_responses(BANK, np.zeros(3), rng, presented=np.ones((3, 2), bool))


def test_booklet_design() -> None:
    presented, booklet = booklet_design(7, 5, [[0, 1, 2], [2, 3, 4]])
    assert booklet.tolist() == [0, 1, 0, 1, 0, 1, 0]
    assert presented[0].tolist() == [True, True, True, False, False]
    assert presented[1].tolist() == [False, False, True, True, True]
    shuffled, b2 = booklet_design(7, 5, [[0, 1, 2], [2, 3, 4]], np.random.default_rng(3))
    assert sorted(b2.tolist()) == sorted(booklet.tolist())
    assert np.array_equal(shuffled[b2 == 1][0], presented[1])
