"""Item statistics and fit: clean simulated items pass, planted misfit is caught."""

import itertools

import numpy as np
import pytest

from app.irt.fit import (
    classical_statistics,
    free_parameters,
    lord_wingersky,
    mean_squares,
    sx2,
)
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_wle
from app.irt.simulate import booklet_design, simulate_responses


def _mixed(rng: np.random.Generator, n: int = 20) -> ItemParameters:
    records = []
    for i in range(n):
        model = ("2pl", "3pl", "gpcm", "grm", "pcm")[i % 5]
        rec: dict = {"item_id": f"i{i}", "model": model, "a": rng.uniform(0.8, 2.0),
                     "c": 0.2 if model == "3pl" else 0.0}
        if model in ("2pl", "3pl"):
            rec["b"] = rng.normal()
        else:
            rec["steps"] = np.sort(rng.normal(size=2)).tolist()
        records.append(rec)
    return ItemParameters.from_records(records)


def _rasch(rng: np.random.Generator, n: int = 25) -> ItemParameters:
    return ItemParameters.from_records(
        [{"item_id": f"r{i}", "model": "rasch", "b": b} for i, b in enumerate(rng.normal(size=n))])


def test_classical_statistics() -> None:
    x = np.array([[1, 0, 2], [1, 1, 1], [0, 0, 0], [1, np.nan, 2], [0, 1, 1]], dtype=float)
    stats = classical_statistics(x, np.array([1, 1, 2]))
    assert stats.n.tolist() == [5, 4, 5]
    np.testing.assert_allclose(stats.p_value, [0.6, 0.5, 0.6])
    rest = np.nansum(x, axis=1) - x[:, 0]
    assert stats.point_biserial[0] == pytest.approx(np.corrcoef(x[:, 0], rest)[0, 1])
    theta = np.array([1.0, 0.5, -1.0, 1.2, 0.0])
    with_theta = classical_statistics(x, np.array([1, 1, 2]), criterion=theta)
    assert with_theta.point_biserial[2] == pytest.approx(np.corrcoef(x[:, 2], theta)[0, 1])


def test_point_biserial_is_low_for_an_item_unrelated_to_ability() -> None:
    rng = np.random.default_rng(1)
    params = _rasch(rng)
    x = simulate_responses(params, rng.normal(size=1500), rng)
    x[:, 0] = rng.integers(0, 2, size=1500)  # answered at random
    r = classical_statistics(x, params.max_score).point_biserial
    assert abs(r[0]) < 0.08 and np.all(r[1:] > 0.2)


def test_infit_and_outfit_pass_rasch_items_and_flag_misfit() -> None:
    rng = np.random.default_rng(2)
    params = _rasch(rng)
    truth = params.subset(np.arange(params.n_items))
    truth.a = truth.a.copy()
    truth.a[0], truth.a[1] = 0.35, 3.0  # flat (underfit / noisy) and steep (overfit)
    x = simulate_responses(truth, rng.normal(size=2000), rng)
    fit = mean_squares(params, x, score_wle(params, x).theta)
    clean = slice(2, None)
    assert np.all(np.abs(fit.infit[clean] - 1) < 0.12)
    assert np.all(np.abs(fit.outfit[clean] - 1) < 0.2)
    assert np.mean(np.abs(fit.infit_t[clean]) > 2) <= 0.2
    assert fit.infit[0] > 1.2 and fit.outfit[0] > 1.3 and fit.infit_t[0] > 4
    assert fit.infit[1] < 0.85 and fit.infit_t[1] < -4


def test_lord_wingersky_matches_enumeration() -> None:
    params = _mixed(np.random.default_rng(3), 4)
    theta = np.array([-1.0, 0.4])
    probs = category_probabilities(params, theta)
    dist = lord_wingersky(probs, params.n_categories)
    brute = np.zeros_like(dist)
    for pattern in itertools.product(*(range(m) for m in params.n_categories)):
        brute[:, sum(pattern)] += np.prod([probs[:, i, k] for i, k in enumerate(pattern)], axis=0)
    np.testing.assert_allclose(dist, brute, atol=1e-14)
    assert free_parameters(params).tolist() == [2, 3, 3, 3]


def test_sx2_rejects_at_about_the_nominal_rate_for_model_data() -> None:
    rng = np.random.default_rng(4)
    params = _mixed(rng)
    rejected = []
    for _ in range(5):
        x = simulate_responses(params, rng.normal(size=2000), rng)
        fit = sx2(params, x, estimated=False)
        assert np.all(fit.df > 10) and np.all(fit.n_persons == 2000)
        rejected.append(np.mean(fit.p_value < 0.05))
    assert np.mean(rejected) <= 0.1


def test_sx2_flags_an_item_from_a_different_curve() -> None:
    rng = np.random.default_rng(5)
    params = _mixed(rng)
    truth = params.subset(np.arange(params.n_items))
    truth.a, truth.c = truth.a.copy(), truth.c.copy()
    truth.a[0] = 0.3  # the bank says a steep 2PL; it really barely discriminates
    truth.c[5] = 0.45  # a 3PL item far more guessable than the bank says
    x = simulate_responses(truth, rng.normal(size=2000), rng)
    p = sx2(params, x, estimated=False).p_value
    assert p[0] < 1e-6 and p[5] < 1e-3
    assert np.mean(np.delete(p, [0, 5]) < 0.01) <= 0.15


def test_sx2_per_booklet_with_sparse_data() -> None:
    rng = np.random.default_rng(6)
    params = _mixed(rng)
    presented, _ = booklet_design(3000, 20, [range(0, 14), range(6, 20)], rng)
    presented[:7] = rng.random((7, 20)) < 0.5  # a few odd patterns: left out
    x = simulate_responses(params, rng.normal(size=3000), rng, presented)
    fit = sx2(params, x, estimated=False)
    assert max(fit.n_persons[0], fit.n_persons[19]) < 1500 < fit.n_persons[10] < 3000
    assert fit.n_persons[10] == 3000 - 7
    assert np.mean(fit.p_value < 0.05) <= 0.15
    estimated = sx2(params, x)
    np.testing.assert_array_equal(estimated.df, fit.df - free_parameters(params))
