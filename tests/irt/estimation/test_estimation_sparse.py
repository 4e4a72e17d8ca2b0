"""The same data stored densely and sparsely give the same estimates; empty rows are harmless."""

from __future__ import annotations

import numpy as np

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.responses import ResponseMatrix
from app.irt.estimation.simulate import booklet_design, simulate_responses


def test_sparse_and_dense_storage_give_the_same_estimates(well_spread) -> None:
    rng = np.random.default_rng(31)
    truth = well_spread("gpcm", 12, rng, n_categories=3)
    person, item = booklet_design(1500, 12, 4, 2, rng)
    data = simulate_responses(truth, rng.normal(size=1500), rng, person, item)
    dense = ResponseMatrix.from_dense(data.to_dense(), sparse=False)
    sparse = ResponseMatrix.from_dense(data.to_dense(), sparse=True)
    fits = [MMLEstimator("gpcm", precision="double", tol=1e-8).fit(d) for d in (dense, sparse)]
    np.testing.assert_allclose(fits[0].params_.steps, fits[1].params_.steps, atol=1e-7)
    np.testing.assert_allclose(fits[0].params_.a, fits[1].params_.a, atol=1e-7)
    np.testing.assert_allclose(fits[0].params_.se["a"], fits[1].params_.se["a"], rtol=1e-6)
    np.testing.assert_allclose(fits[0].log_likelihood_[-1], fits[1].log_likelihood_[-1])


def test_single_precision_agrees_with_double(well_spread) -> None:
    rng = np.random.default_rng(32)
    truth = well_spread("2pl", 10, rng)
    data = simulate_responses(truth, rng.normal(size=2000), rng)
    single = MMLEstimator("2pl", precision="single", tol=1e-6).fit(data).params_
    double = MMLEstimator("2pl", precision="double", tol=1e-6).fit(data).params_
    np.testing.assert_allclose(single.b, double.b, atol=1e-3)


def test_persons_without_responses_change_nothing(well_spread) -> None:
    rng = np.random.default_rng(33)
    truth = well_spread("2pl", 8, rng)
    x = simulate_responses(truth, rng.normal(size=800), rng).to_dense()
    padded = np.vstack([x, np.full((300, 8), np.nan)])
    a = MMLEstimator("2pl", precision="double", tol=1e-8).fit(x)
    b = MMLEstimator("2pl", precision="double", tol=1e-8).fit(padded)
    np.testing.assert_allclose(a.params_.b, b.params_.b, atol=1e-8)
    assert b.n_persons_ == 800
    theta, sd = b.eap(padded)
    np.testing.assert_allclose(theta[800:], 0.0, atol=1e-9)
    np.testing.assert_allclose(sd[800:], 1.0, atol=1e-3)  # the prior N(0, 1) on the grid
