"""Parity with girth on the same complete data, with girth's identification and quadrature.

girth (0.8) takes data as (n_items, n_persons) — the transpose of Kete's orientation — fixes
the latent distribution at N(0, 1) and integrates with 41 Gauss–Legendre nodes on [−4.5, 4.5];
Kete uses the same grid here (``gauss_legendre(41, −4.5, 4.5)``). girth's Rasch and its 2PL/GRM
thresholds solve marginal (prior-weighted) moment equations rather than the full MML score
equations, so the two agree to sampling order ≪ SE rather than exactly: we require 0.02 logits.
"""

from __future__ import annotations

import numpy as np
import pytest
from girth import grm_mml, rasch_mml, twopl_mml

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.quadrature import gauss_legendre
from app.irt.estimation.simulate import simulate_responses

GIRTH_GRID = gauss_legendre(41, -4.5, 4.5)


def fit_both(model: str, truth, girth_fit, n: int, seed: int):
    rng = np.random.default_rng(seed)
    data = simulate_responses(truth, rng.normal(size=n), rng, sparse=False)
    ours = MMLEstimator(model, quadrature=GIRTH_GRID, precision="double", tol=1e-7).fit(data)
    theirs = girth_fit(data.to_dense().astype(int).T)  # girth wants (n_items, n_persons)
    return ours.params_, theirs


def test_rasch_matches_girth(well_spread) -> None:
    truth = well_spread("rasch", 12, np.random.default_rng(1))
    ours, theirs = fit_both("rasch", truth, rasch_mml, 5000, 2)
    np.testing.assert_allclose(ours.b, theirs["Difficulty"], atol=0.02)


def test_2pl_matches_girth(well_spread) -> None:
    truth = well_spread("2pl", 12, np.random.default_rng(3))
    ours, theirs = fit_both("2pl", truth, twopl_mml, 5000, 4)
    np.testing.assert_allclose(ours.b, theirs["Difficulty"], atol=0.02)
    np.testing.assert_allclose(ours.a, theirs["Discrimination"], atol=0.02)


def test_grm_matches_girth(well_spread) -> None:
    truth = well_spread("grm", 10, np.random.default_rng(5))
    ours, theirs = fit_both("grm", truth, grm_mml, 5000, 6)
    np.testing.assert_allclose(ours.steps, theirs["Difficulty"], atol=0.02)
    np.testing.assert_allclose(ours.a, theirs["Discrimination"], atol=0.02)


def test_default_grid_agrees_with_girths_grid(well_spread) -> None:
    """Kete's default 61-node grid on [−6, 6] and girth's grid give the same 2PL estimates."""
    rng = np.random.default_rng(7)
    truth = well_spread("2pl", 10, rng)
    data = simulate_responses(truth, rng.normal(size=3000), rng)
    default = MMLEstimator("2pl", precision="double", tol=1e-7).fit(data).params_
    girths = MMLEstimator("2pl", quadrature=GIRTH_GRID, precision="double",
                          tol=1e-7).fit(data).params_
    assert np.abs(default.b - girths.b).max() == pytest.approx(0.0, abs=2e-3)
