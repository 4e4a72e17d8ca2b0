"""Parameter recovery: simulated data with known parameters, complete and booklet designs.

The yardstick is the standard error: with n persons per item, SE(b) ≈ 1/√(n·I) where the item
information I is about 0.15–0.25 for the 2PL at a ≈ 1, i.e. ≈ 0.05–0.07 for 1,500 responses per
item. RMSE over items should then be about the RMS of the SEs; we allow 1.5× that (sampling
noise of an RMSE over 20 items is ≈ 16%) and an absolute ceiling that fixes the order.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.simulate import booklet_design, simulate_responses

# model: (persons, absolute ceiling of the RMSE of a / b-or-steps)
SIZES = {"rasch": (1500, 0.10), "2pl": (2000, 0.12), "3pl": (4000, 0.30),
         "gpcm": (1500, 0.12), "pcm": (1500, 0.10), "grm": (1500, 0.12)}


def rmse(est: np.ndarray, true: np.ndarray) -> float:
    return float(np.sqrt(np.nanmean((np.asarray(est) - np.asarray(true)) ** 2)))


def rms(se: np.ndarray) -> float:
    return float(np.sqrt(np.nanmean(np.asarray(se) ** 2)))


def check_recovery(model: str, est: MMLEstimator, truth, ceiling: float) -> None:
    got = est.params_
    assert est.converged_
    location, se_loc = (got.steps, got.se["steps"]) if model in ("gpcm", "pcm", "grm") else (
        got.b, got.se["b"])
    true_loc = truth.steps if model in ("gpcm", "pcm", "grm") else truth.b
    assert rmse(location, true_loc) < min(1.5 * rms(se_loc), ceiling)
    if model not in ("rasch", "pcm"):
        assert rmse(got.a, truth.a) < min(1.5 * rms(got.se["a"]), ceiling)
    else:
        np.testing.assert_array_equal(got.a, 1.0)
    if model == "3pl":
        assert rmse(got.c, truth.c) < 0.06  # the Beta(5, 17) prior keeps c near 0.2 ± 0.05


@pytest.mark.parametrize("model", list(SIZES))
def test_recovery_complete_data(model: str, well_spread) -> None:
    rng = np.random.default_rng(11)
    truth = well_spread(model, 20, rng)
    n, ceiling = SIZES[model]
    data = simulate_responses(truth, rng.normal(size=n), rng, sparse=False)
    est = MMLEstimator(model).fit(data, truth.item_ids)
    check_recovery(model, est, truth, ceiling)


@pytest.mark.parametrize("model", list(SIZES))
def test_recovery_booklet_design(model: str, well_spread) -> None:
    """6 blocks of 4 items, 3 blocks per booklet: each person sees 12 of 24 items."""
    rng = np.random.default_rng(12)
    truth = well_spread(model, 24, rng)
    n, ceiling = SIZES[model]
    person, item = booklet_design(2 * n, 24, 6, 3, rng)
    data = simulate_responses(truth, rng.normal(size=2 * n), rng, person, item, sparse=True)
    assert data.is_sparse and data.density == pytest.approx(0.5)
    est = MMLEstimator(model).fit(data, truth.item_ids)
    check_recovery(model, est, truth, ceiling)


def test_mixed_models_in_one_run(well_spread) -> None:
    rng = np.random.default_rng(13)
    parts = [well_spread(m, 8, rng) for m in ("2pl", "gpcm", "grm")]
    models = np.concatenate([p.model for p in parts])
    from app.irt.parameters import ItemParameters

    width = max(p.steps.shape[1] for p in parts)
    truth = ItemParameters(
        [i for p in parts for i in p.item_ids], models, np.concatenate([p.a for p in parts]),
        np.concatenate([p.b for p in parts]), np.concatenate([p.c for p in parts]),
        np.vstack([np.pad(p.steps, ((0, 0), (0, width - p.steps.shape[1])),
                          constant_values=np.nan) for p in parts]))
    data = simulate_responses(truth, rng.normal(size=2500), rng)
    est = MMLEstimator(list(models)).fit(data, truth.item_ids)
    got = est.params_
    assert list(got.model) == list(models)
    dich = models == "2pl"
    assert rmse(got.b[dich], truth.b[dich]) < 0.12
    assert rmse(got.steps[~dich], truth.steps[~dich]) < 0.12
    assert rmse(got.a, truth.a) < 0.12


def test_rasch_with_estimated_sd(well_spread) -> None:
    """Rasch/PCM may instead fix a = 1 and estimate σ (the mirt/TAM convention)."""
    rng = np.random.default_rng(14)
    truth = well_spread("rasch", 20, rng)
    data = simulate_responses(truth, rng.normal(0.0, 1.4, size=3000), rng)
    est = MMLEstimator("rasch", latent="free_sd").fit(data)
    assert est.sd_ == pytest.approx(1.4, abs=0.06)
    assert est.mean_ == 0.0
    assert rmse(est.params_.b, truth.b) < 0.08
