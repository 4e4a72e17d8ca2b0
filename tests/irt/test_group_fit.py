"""θ-group item fit (Q1) and Benjamini–Hochberg q-values."""

from __future__ import annotations

import numpy as np
from scipy.stats import false_discovery_control

from app.irt.group_fit import benjamini_hochberg, theta_group_fit
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses


def test_benjamini_hochberg_matches_scipy_and_keeps_not_computed() -> None:
    p = np.random.default_rng(1).uniform(0, 0.2, 40)
    assert np.allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"))
    with_gaps = np.array([0.01, np.nan, 0.04, 0.03, 0.005])
    q = benjamini_hochberg(with_gaps)
    assert np.isnan(q[1]) and np.allclose(q[[0, 2, 3, 4]], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(benjamini_hochberg(np.array([np.nan]))).all()


def test_q1_has_valid_df_on_booklets_and_finds_a_misfitting_item() -> None:
    """Every person sits a different random half of the items (no shared booklet for S-X²);
    the data follow the 2PL except item 0, whose real curve has a 0.35 floor."""
    rng = np.random.default_rng(2)
    n, k = 6000, 30
    truth = ItemParameters.from_records([
        {"item_id": f"i{j}", "model": "2pl", "a": a, "b": b} for j, (a, b) in enumerate(zip(
            rng.lognormal(0.1, 0.2, k), rng.normal(0, 1, k), strict=True))])
    theta = rng.normal(0, 1, n)
    presented = rng.random((n, k)) < 0.5
    scores = simulate_responses(truth, theta, rng, presented=presented)
    real = ItemParameters.from_records([{"item_id": "i0", "model": "3pl", "a": 1.6,
                                         "b": 0.5, "c": 0.35}])
    seen = presented[:, 0]
    scores[seen, 0] = simulate_responses(real, theta[seen], rng)[:, 0]
    fit = theta_group_fit(truth, scores, theta)
    assert (fit.df == 10 - 2).all()
    q = benjamini_hochberg(fit.p_value)
    assert q[0] < 1e-6
    assert (q[1:] >= 0.05).sum() >= k - 2  # the 2PL items are (almost all) not flagged


def test_q1_is_not_computed_with_too_few_responses() -> None:
    truth = ItemParameters.from_records([{"item_id": "x", "model": "3pl", "a": 1.0, "b": 0.0,
                                          "c": 0.2}])
    few = np.array([[1.0]] * 30 + [[0.0]] * 30)
    fit = theta_group_fit(truth, few, np.linspace(-2, 2, 60))
    assert fit.df[0] == 0 and np.isnan(fit.p_value[0])
