"""The population: Rasch σ estimated by default, a grid that follows it, strict mode, priors.

Rasch difficulties are checked against conditional maximum likelihood (CML, eRm's estimator),
which needs no assumption about the population at all: with σ estimated, MML agrees with CML;
with σ fixed at 1 on a population whose SD is 1.6, every difficulty is pulled in.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.quadrature import Quadrature, centred, rectangular
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses


def _log_esf(b: np.ndarray) -> np.ndarray:
    """log γ_r(ε), r = 0..n, of ε_i = exp(−b_i) (elementary symmetric functions)."""
    log_g = np.full(b.size + 1, -np.inf)
    log_g[0] = 0.0
    for i, bi in enumerate(b):
        shifted = np.r_[-np.inf, log_g[: i + 1] - bi]
        log_g[: i + 2] = np.logaddexp(log_g[: i + 2], shifted)
    return log_g


def cml_difficulties(x: np.ndarray) -> np.ndarray:
    """Rasch CML difficulties (sum zero) of complete 0/1 data ``(n_persons, n_items)``."""
    raw = x.sum(axis=1).astype(int)
    keep = (raw > 0) & (raw < x.shape[1])
    totals, counts = x[keep].sum(axis=0), np.bincount(raw[keep], minlength=x.shape[1] + 1)

    def negative(free: np.ndarray) -> float:
        b = np.r_[free, -free.sum()]
        return float(totals @ b + counts @ _log_esf(b))

    fit = minimize(negative, np.zeros(x.shape[1] - 1), method="BFGS", options={"gtol": 1e-8})
    return np.r_[fit.x, -fit.x.sum()]


def _rasch(n_items: int, rng: np.random.Generator) -> ItemParameters:
    b = np.linspace(-2.0, 2.0, n_items)
    return ItemParameters.from_records([{"item_id": f"r{j}", "model": "rasch", "b": b[j]}
                                        for j in range(n_items)])


def test_rasch_estimates_sigma_by_default_and_agrees_with_cml() -> None:
    rng = np.random.default_rng(7)
    truth = _rasch(20, rng)
    x = simulate_responses(truth, rng.normal(0.0, 1.6, 1500), rng)
    cml = cml_difficulties(x)
    default = MMLEstimator("rasch", tol=1e-6).fit(x)
    assert default.latent_ == "free_sd" and default.sd_ == pytest.approx(1.6, abs=0.1)
    mml = default.params_.b - default.params_.b.mean()
    assert np.abs(mml - cml).max() < 0.05
    fixed = MMLEstimator("rasch", latent="fixed", tol=1e-6).fit(x).params_.b
    shrunk = fixed - fixed.mean()
    assert np.abs(shrunk - cml).max() > 0.12  # what σ = 1 did before: every b pulled in
    assert np.std(shrunk) / np.std(cml) < 0.93


def test_grid_follows_a_wide_population() -> None:
    """A population N(1.5, 2.6²) anchored on a spread bank: a fixed [−6, 6] grid cuts it off
    at about +1.7σ and underestimates σ (2.44); the default grid is re-centred on the estimate
    and agrees with a very fine grid that covers it (801 nodes on μ ± 6σ)."""
    rng = np.random.default_rng(11)
    records = [{"item_id": f"a{j}", "model": "2pl", "a": 1.4, "b": -4.0 + 0.6 * j}
               for j in range(16)] + [{"item_id": "new", "model": "2pl", "a": 1.0, "b": 1.7}]
    truth = ItemParameters.from_records(records)
    x = simulate_responses(truth, rng.normal(1.5, 2.6, 1500), rng)
    anchors = truth.subset(range(16))

    def fit(grid: Quadrature | None) -> MMLEstimator:
        return MMLEstimator("2pl", precision="double", tol=1e-7, quadrature=grid).fit(
            x, truth.item_ids, anchors=anchors)

    default, fine, old = fit(None), fit(centred(1.5, 2.6, 801)), fit(rectangular())
    assert default.quadrature_.nodes.mean() == pytest.approx(default.mean_, abs=0.05)
    assert default.sd_ == pytest.approx(fine.sd_, abs=2e-3)
    assert default.params_.b[-1] == pytest.approx(fine.params_.b[-1], abs=2e-3)
    assert old.sd_ < fine.sd_ - 0.1  # the truncation the default grid avoids


def test_strict_mode_is_float64_to_a_tight_tolerance() -> None:
    rng = np.random.default_rng(5)
    truth = _rasch(12, rng)
    x = simulate_responses(truth, rng.normal(size=600), rng)
    est = MMLEstimator("2pl", strict=True).fit(x)
    assert est.converged_ and est.max_change_ < 1e-6
    loose = MMLEstimator("2pl", tol=1e-2).fit(x)
    assert loose.max_change_ > est.max_change_


def test_the_method_names_its_priors() -> None:
    rng = np.random.default_rng(6)
    truth = _rasch(12, rng)
    x = simulate_responses(truth, rng.normal(size=600), rng)
    assert MMLEstimator("2pl").fit(x).method_ == "maximum likelihood"
    three = MMLEstimator("3pl", max_iter=50).fit(x).method_
    assert three == ("Bayes modal (MAP) with priors log a ~ N(0, 0.5²) on 3PL slopes; "
                     "c ~ Beta(5, 17) on 3PL items; b ~ N(0, 3²) on 3PL items")
    assert MMLEstimator("3pl", a_prior=None, c_prior=None, b_prior=None,
                        max_iter=50).fit(x).method_ == "maximum likelihood"
