"""The weak normal prior on 3PL difficulties keeps items far too hard for the sample finite."""

from __future__ import annotations

import numpy as np

from app.irt.estimation.mml import MMLEstimator
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses


def _data(seed: int) -> tuple[ItemParameters, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_items = 25
    b = np.append(rng.normal(0, 1, n_items - 1), 4.0)  # the last item: far too hard
    params = ItemParameters.from_records([
        {"item_id": f"i{j}", "model": "3pl", "a": 1.2, "b": float(b[j]), "c": 0.2}
        for j in range(n_items)])
    return params, simulate_responses(params, rng.normal(0, 1, 600), rng)


def test_too_hard_3pl_item_stays_finite_with_the_prior() -> None:
    params, x = _data(5)
    fit = MMLEstimator("3pl", tol=1e-3).fit(x)
    assert fit.converged_
    assert abs(fit.params_.b[-1]) < 7  # generated at 4; without a prior it can run to 40+
    middle = np.abs(params.b[:-1]) < 1.5
    assert np.sqrt(np.mean((fit.params_.b[:-1][middle] - params.b[:-1][middle]) ** 2)) < 0.35


def test_without_the_prior_the_same_item_runs_off() -> None:
    """Why the prior exists: on the same data the unpenalised b drifts far beyond 4 (beyond
    40 within a dozen EM steps; more steps only take it further)."""
    _, x = _data(5)
    fit = MMLEstimator("3pl", tol=1e-3, b_prior=None, max_iter=12, standard_errors=False).fit(x)
    assert fit.params_.b[-1] > 10
