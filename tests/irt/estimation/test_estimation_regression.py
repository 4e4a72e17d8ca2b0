"""Frozen values for one small seeded data set, and checks of EM's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.estimation.accelerate import squarem
from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.quadrature import rectangular


def small_data() -> np.ndarray:
    """400 persons × 6 2PL items, 10% not presented; generated with numpy only."""
    rng = np.random.default_rng(20240601)
    theta = rng.normal(size=400)
    a = np.array([0.8, 1.0, 1.2, 1.5, 0.9, 1.1])
    b = np.array([-1.0, -0.5, 0.0, 0.3, 0.8, 1.2])
    x = (rng.random((400, 6)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)
    x[rng.random((400, 6)) < 0.1] = np.nan
    return x


def test_frozen_2pl_estimates() -> None:
    """SEs from the full observed information (Oakes): 2–6% above the item-by-item XPD values
    this test froze before (0.212912, 0.267234, …), as covariances between items add up."""
    est = MMLEstimator("2pl", precision="double", tol=1e-9).fit(small_data())
    p = est.params_
    np.testing.assert_allclose(p.a, [0.849416, 1.131784, 1.069584, 1.390236, 0.433559, 1.309260],
                               atol=2e-6)
    np.testing.assert_allclose(p.b, [-0.813322, -0.461490, -0.121412, 0.454670, 1.817087,
                                     1.036327], atol=2e-6)
    np.testing.assert_allclose(p.se["a"], [0.223509, 0.276245, 0.253897, 0.342459, 0.179530,
                                           0.311389], atol=2e-6)
    np.testing.assert_allclose(p.se["b"], [0.220278, 0.140210, 0.122435, 0.124383, 0.753211,
                                           0.190762], atol=2e-6)
    assert est.log_likelihood_[-1] == pytest.approx(-1344.473956, abs=1e-5)


def test_plain_em_and_squarem_reach_the_same_maximum() -> None:
    x = small_data()
    fast = MMLEstimator("2pl", precision="double", tol=1e-9).fit(x)
    slow = MMLEstimator("2pl", precision="double", tol=1e-9, accelerate=False,
                        max_iter=5000).fit(x)
    np.testing.assert_allclose(fast.params_.b, slow.params_.b, atol=1e-7)
    assert fast.n_iter_ < slow.n_iter_ / 2
    # plain EM never lowers the likelihood
    assert np.all(np.diff(slow.log_likelihood_) > -1e-8)


def test_convergence_diagnostics() -> None:
    est = MMLEstimator("2pl", max_iter=3, accelerate=False).fit(small_data())
    assert not est.converged_ and est.n_iter_ == 3
    assert est.log_likelihood_.shape == (3,)
    assert est.max_change_ > est.tol
    seen: list[tuple[int, float, float]] = []
    est = MMLEstimator("2pl", callback=lambda *args: seen.append(args)).fit(small_data())
    assert est.converged_ and est.max_change_ < est.tol
    assert [s[0] for s in seen] == list(range(1, est.n_iter_ + 1))


def test_eap_matches_brute_force_integration() -> None:
    x = small_data()
    est = MMLEstimator("2pl", precision="double").fit(x)
    theta, sd = est.eap(x[:5])
    p = est.params_
    grid = rectangular().nodes
    prob = 1 / (1 + np.exp(-p.a * (grid[:, None] - p.b)))
    for i in range(5):
        seen = ~np.isnan(x[i])
        like = np.prod(np.where(x[i, seen] == 1, prob[:, seen], 1 - prob[:, seen]), axis=1)
        post = like * np.exp(-0.5 * grid**2)
        post /= post.sum()
        assert theta[i] == pytest.approx(post @ grid, abs=1e-9)
        assert sd[i] == pytest.approx(np.sqrt(post @ grid**2 - (post @ grid) ** 2), abs=1e-9)


def test_squarem_solves_a_slow_linear_fixed_point() -> None:
    """x ↦ 0.99·x + 0.01·t converges slowly by iteration; SQUAREM needs a handful of steps."""
    target = np.array([1.0, -2.0, 3.0])

    def em_map(x: np.ndarray) -> tuple[np.ndarray, float, float]:
        new = 0.99 * x + 0.01 * target
        return new, -float(np.sum((x - target) ** 2)), float(np.abs(new - x).max())

    x, converged, trace = squarem(np.zeros(3), em_map, lambda _: True, 1e-10, 500)
    assert converged and len(trace.change) < 20
    np.testing.assert_allclose(x, target, atol=1e-7)


@pytest.mark.parametrize("data, model, message", [
    (np.array([[0, 1], [1, 2.0]]), "2pl", "scores above 1"),
    (np.array([[0, 2], [2, 0.0], [1, 2]]), "gpcm", "empty score category"),
    (np.array([[0, np.nan], [1, np.nan]]), "2pl", "no responses"),
])
def test_unfittable_items_are_named(data: np.ndarray, model: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MMLEstimator(model).fit(data, ["first", "second"])
