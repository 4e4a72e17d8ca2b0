"""Standard errors from the observed information (Oakes' identity).

The reference is the definition itself: the negative Hessian of the marginal log-likelihood
(plus log priors for MAP items), differentiated numerically here. Oakes' matrix must equal it,
for every parameter pair, including μ and σ and items of every model with missing responses.
On LSAT7 the estimates are mirt's and the mean SE(a) is 0.190 (the item-by-item cross-product
approximation gave 0.182). Coverage of the generating values is checked on simulated data.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.responses import ResponseMatrix
from app.irt.estimation.simulate import simulate_responses
from app.irt.estimation.standard_errors import observed_information
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses as simulate_dense
from tests.irt.estimation.published import LSAT7_MIRT_A, LSAT7_MIRT_D, lsat7


def _marginal(est: MMLEstimator, data: ResponseMatrix, mean: float, sd: float) -> float:
    layout, grid = est._layout, est.quadrature_
    y = data.indicator(layout.offsets, layout.n_columns, sparse=True)
    ll = np.asarray(y @ layout.log_p_columns(grid.nodes)) + grid.log_prior(mean, sd)
    return float(logsumexp(ll, axis=1).sum() + layout.log_prior())


def _numerical_information(est: MMLEstimator, data: ResponseMatrix) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """(Oakes' matrix, −numerical Hessian) in the same parameter order."""
    free = (est.latent_ == "free", est.latent_ in ("free", "free_sd"))
    info = observed_information(est._layout, data, est.quadrature_, est.mean_, est.sd_, free)
    slots = {}
    for blk in est._layout.blocks:
        for local, j in enumerate(blk.items):
            for p in np.flatnonzero(blk.free[local]):
                slots[int(info.index[j, p])] = (blk, local, p)
    coords = [slots[k] for k in range(len(slots))]
    x0 = np.array([blk.psi[i, p] for blk, i, p in coords]
                  + [getattr(est, f"{name}_") for name in info.latent])

    def f(x: np.ndarray) -> float:
        for (blk, i, p), value in zip(coords, x, strict=False):
            blk.psi = blk.psi.copy()
            blk.psi[i, p] = value
        latent = dict(zip(info.latent, x[len(coords):], strict=True))
        return _marginal(est, data, latent.get("mean", est.mean_), latent.get("sd", est.sd_))

    h = 1e-4 * np.maximum(np.abs(x0), 1.0)
    n = x0.size
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            corners = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                x = x0.copy()
                x[i] += si * h[i]
                x[j] += sj * h[j]
                corners.append(f(x))
            hess[i, j] = hess[j, i] = (corners[0] - corners[1] - corners[2] + corners[3]) / (
                4 * h[i] * h[j])
    f(x0)
    return info.matrix, -hess


def test_lsat7_matches_mirt_and_the_observed_information() -> None:
    x = lsat7()
    est = MMLEstimator("2pl", precision="double", tol=1e-9).fit(x)
    p = est.params_
    np.testing.assert_allclose(p.a, LSAT7_MIRT_A, atol=2e-3)
    np.testing.assert_allclose(-p.a * p.b, LSAT7_MIRT_D, atol=2e-3)
    oakes, numerical = _numerical_information(est, ResponseMatrix.from_dense(x))
    np.testing.assert_allclose(oakes, numerical, rtol=1e-5, atol=1e-5 * np.abs(numerical).max())
    se_numerical = np.sqrt(np.diag(np.linalg.inv(numerical)))
    se_oakes = np.sqrt(np.diag(np.linalg.inv(oakes)))
    np.testing.assert_allclose(se_oakes, se_numerical, rtol=1e-4)
    assert p.se["a"].mean() == pytest.approx(0.190, abs=0.001)
    assert est.se_method_.startswith("observed information")


def test_mixed_anchored_calibration_matches_the_numerical_hessian() -> None:
    """3PL (MAP, non-canonical), GPCM, GRM, Rasch and 2PL items beside fixed anchors, 30% of
    responses missing, μ and σ estimated: every entry of the matrix agrees."""
    rng = np.random.default_rng(3)
    records = [{"item_id": f"A{j}", "model": "2pl", "a": 1 + 0.1 * j, "b": -1 + 0.3 * j}
               for j in range(8)]
    records += [{"item_id": "N1", "model": "3pl", "a": 1.3, "b": 0.2, "c": 0.2},
                {"item_id": "N2", "model": "gpcm", "a": 0.9, "steps": [-0.5, 0.4, 1.0]},
                {"item_id": "N3", "model": "grm", "a": 1.2, "steps": [-1.0, 0.0, 0.8]},
                {"item_id": "N4", "model": "rasch", "b": 0.5},
                {"item_id": "N5", "model": "2pl", "a": 0.8, "b": -0.4}]
    truth = ItemParameters.from_records(records)
    x = simulate_dense(truth, rng.normal(0.3, 1.2, 500), rng)
    x[rng.random(x.shape) < 0.3] = np.nan
    est = MMLEstimator([r["model"] for r in records], precision="double", tol=1e-9).fit(
        x, truth.item_ids, anchors=truth.subset(range(8)))
    assert est.latent_ == "free"
    oakes, numerical = _numerical_information(est, ResponseMatrix.from_dense(x))
    np.testing.assert_allclose(oakes, numerical, rtol=1e-4, atol=1e-5 * np.abs(numerical).max())
    assert np.isfinite(est.mean_se_) and np.isfinite(est.sd_se_)


def test_standard_errors_cover_the_truth(well_spread) -> None:
    """Three replications × 25 items × (a, b) = 150 intervals: with true coverage .95 the rate
    has SD ≈ 0.018, so [0.88, 0.99] is loose but meaningful; the SEs must also match the spread
    of the estimates to within 20%."""
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
    coverage = np.mean(np.abs(np.concatenate(z_scores)) < 1.96)
    assert 0.88 <= coverage <= 0.99
    spread, claimed = (np.sqrt(np.mean(np.concatenate(v) ** 2)) for v in (errors, ses))
    assert 0.8 < spread / claimed < 1.2


def test_fixed_parameters_have_no_standard_error(well_spread) -> None:
    rng = np.random.default_rng(42)
    truth = well_spread("rasch", 10, rng)
    p = MMLEstimator("rasch").fit(simulate_responses(truth, rng.normal(size=500), rng)).params_
    assert np.isnan(p.se["a"]).all() and np.isnan(p.se["c"]).all()
    assert np.isfinite(p.se["b"]).all() and (p.se["b"] > 0).all()
