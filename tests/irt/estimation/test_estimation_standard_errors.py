"""Standard errors (XPD): about 95% of 95% intervals cover the generating values.

Three replications × 25 items × (a, b) = 150 intervals; with true coverage 0.95 the observed
rate has SD ≈ 0.018, so [0.88, 0.99] is a loose but meaningful band. The SEs must also match
the spread of the estimates across replications to within 25%.
"""

from __future__ import annotations

import numpy as np

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.simulate import simulate_responses


def test_xpd_standard_errors_cover_the_truth(well_spread) -> None:
    rng = np.random.default_rng(41)
    truth = well_spread("2pl", 25, rng)
    z_scores, errors, ses = [], [], []
    for _ in range(3):
        data = simulate_responses(truth, rng.normal(size=1500), rng)
        p = MMLEstimator("2pl").fit(data).params_
        for est, se, true in ((p.a, p.se["a"], truth.a), (p.b, p.se["b"], truth.b)):
            z_scores.append((est - true) / se)
            errors.append(est - true)
            ses.append(se)
    z = np.concatenate(z_scores)
    coverage = np.mean(np.abs(z) < 1.96)
    assert 0.88 <= coverage <= 0.99
    spread, claimed = (np.sqrt(np.mean(np.concatenate(v) ** 2)) for v in (errors, ses))
    ratio = spread / claimed
    assert 0.8 < ratio < 1.25


def test_fixed_parameters_have_no_standard_error(well_spread) -> None:
    rng = np.random.default_rng(42)
    truth = well_spread("rasch", 10, rng)
    p = MMLEstimator("rasch").fit(simulate_responses(truth, rng.normal(size=500), rng)).params_
    assert np.isnan(p.se["a"]).all() and np.isnan(p.se["c"]).all()
    assert np.isfinite(p.se["b"]).all() and (p.se["b"] > 0).all()
