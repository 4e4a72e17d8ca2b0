"""Person scoring: recovery of known θ, agreement with girth, extreme patterns, sub-scores."""

import numpy as np
import pytest
from girth import ability_3pl_eap, ability_3pl_map, ability_eap, ability_map, ability_mle
from girth.utilities.utils import _get_quadrature_points
from scipy.optimize import minimize_scalar
from scipy.stats import norm

from app.irt.parameters import ItemParameters
from app.irt.scoring import (
    ScoreFlag,
    check_responses,
    log_likelihood,
    score,
    score_eap,
    score_map,
    score_mle,
    score_wle,
    subscore,
)
from app.irt.simulate import random_presentation, simulate_responses


def _two_pl(n_items: int, rng: np.random.Generator, c: float = 0.0) -> ItemParameters:
    model = "3pl" if c else "2pl"
    return ItemParameters.from_records([
        {"item_id": f"i{i}", "model": model, "a": rng.uniform(0.7, 2.0), "b": rng.normal(),
         "c": c} for i in range(n_items)
    ])


def _mixed() -> ItemParameters:
    return ItemParameters.from_records([
        {"item_id": "r", "model": "rasch", "b": 0.3},
        {"item_id": "d", "model": "2pl", "a": 1.4, "b": -0.5},
        {"item_id": "t", "model": "3pl", "a": 0.9, "b": 1.0, "c": 0.2},
        {"item_id": "g", "model": "gpcm", "a": 1.2, "steps": [-1.0, 0.2, 1.1]},
        {"item_id": "p", "model": "pcm", "steps": [0.5, -0.4]},
        {"item_id": "s", "model": "grm", "a": 1.6, "steps": [-1.2, 0.0, 0.9]},
    ])


@pytest.fixture(scope="module")
def forty_items() -> tuple[ItemParameters, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    params = _two_pl(40, rng)
    theta = rng.normal(size=4000)
    return params, theta, simulate_responses(params, theta, rng)


def test_eap_is_unbiased_in_the_middle_and_covers_95_percent(forty_items) -> None:
    params, theta, x = forty_items
    est = score_eap(params, x)
    middle = np.abs(theta) < 1.5
    assert abs(np.mean(est.theta[middle] - theta[middle])) < 0.03
    coverage = np.mean(np.abs(est.theta - theta) < 1.96 * est.se)
    assert 0.92 <= coverage <= 0.97


@pytest.mark.parametrize("method", ["mle", "wle"])
def test_mle_and_wle_recover_theta_with_honest_standard_errors(forty_items, method) -> None:
    params, theta, x = forty_items
    est = score(params, x, method)
    middle = np.abs(theta) < 2
    error = est.theta[middle] - theta[middle]
    assert abs(np.mean(error)) < 0.03
    ratio = np.sqrt(np.mean(est.se[middle] ** 2)) / np.std(error)
    assert 0.9 < ratio < 1.1


def test_eap_equals_girth_with_girths_quadrature_and_is_close_with_ours(forty_items) -> None:
    params, _, x = forty_items
    expected = ability_eap(x.T.astype(int), params.b, params.a)
    nodes, weights = _get_quadrature_points(41, -4.5, 4.5)  # girth's defaults
    ours = score_eap(params, x, quadrature=(nodes, norm.pdf(nodes) * weights))
    np.testing.assert_allclose(ours.theta, expected, atol=1e-10)
    # Our default grid reaches ±6 SD, so it differs only where girth's ±4.5 truncation bites.
    default = score_eap(params, x).theta
    middle = np.abs(expected) < 2.0
    np.testing.assert_allclose(default[middle], expected[middle], atol=2e-4)
    np.testing.assert_allclose(default, expected, atol=1e-2)


def test_map_and_mle_equal_girth(forty_items) -> None:
    params, _, x = forty_items
    x = x[:300]
    girth_map = ability_map(x.T.astype(int), params.b, params.a)
    np.testing.assert_allclose(score_map(params, x).theta, girth_map, atol=1e-4)
    girth_mle = ability_mle(x.T.astype(int), params.b, params.a, no_estimate=6)
    np.testing.assert_allclose(score_mle(params, x).theta, girth_mle, atol=1e-4)


def test_three_pl_eap_and_map_equal_girth() -> None:
    rng = np.random.default_rng(7)
    params = _two_pl(30, rng, c=0.2)
    x = simulate_responses(params, rng.normal(size=200), rng)
    d = x.T.astype(int)
    girth_eap = ability_3pl_eap(d, params.b, params.a, params.c)
    nodes, weights = _get_quadrature_points(41, -4.5, 4.5)
    ours = score_eap(params, x, quadrature=(nodes, norm.pdf(nodes) * weights))
    np.testing.assert_allclose(ours.theta, girth_eap, atol=1e-10)
    girth_map = ability_3pl_map(d, params.b, params.a, params.c)
    np.testing.assert_allclose(score_map(params, x).theta, girth_map, atol=1e-4)


def test_extreme_patterns() -> None:
    params = _two_pl(20, np.random.default_rng(3))
    x = np.vstack([np.ones(20), np.zeros(20), np.full(20, np.nan), np.r_[np.ones(19), 0]])
    mle, wle, eap = score_mle(params, x), score_wle(params, x), score_eap(params, x)
    assert mle.theta[:2].tolist() == [6.0, -6.0]
    assert mle.has(ScoreFlag.AT_BOUND).tolist() == [True, True, False, False]
    assert mle.has(ScoreFlag.HIGHEST_SCORES)[0] and mle.has(ScoreFlag.LOWEST_SCORES)[1]
    # WLE is finite, and a perfect score still ranks above 19/20.
    assert np.all(np.abs(wle.theta[[0, 1, 3]]) < 6) and not wle.has(ScoreFlag.AT_BOUND).any()
    assert wle.theta[0] > wle.theta[3] > 0 > wle.theta[1]
    assert np.isnan(mle.theta[2]) and np.isnan(wle.se[2])
    assert eap.theta[2] == pytest.approx(0.0, abs=1e-9) and eap.se[2] == pytest.approx(1.0, 1e-6)
    map_ = score_map(params, x, prior_mean=0.5, prior_sd=2.0)
    assert map_.theta[2] == 0.5 and map_.se[2] == pytest.approx(2.0)
    assert eap.has(ScoreFlag.NO_RESPONSES).tolist() == [False, False, True, False]


def test_extreme_patterns_on_a_three_pl_test() -> None:
    params = _two_pl(15, np.random.default_rng(4), c=0.2)
    x = np.vstack([np.zeros(15), np.ones(15)])
    assert score_mle(params, x).theta.tolist() == [-6.0, 6.0]
    wle = score_wle(params, x)
    assert np.all(np.abs(wle.theta) < 6) and wle.theta[0] < -2 < 2 < wle.theta[1]
    assert wle.has(ScoreFlag.LOWEST_SCORES)[0] and not wle.has(ScoreFlag.AT_BOUND).any()


def _mixed_data(n: int = 300) -> tuple[ItemParameters, np.ndarray]:
    rng = np.random.default_rng(11)
    bank = _mixed()
    params = bank.subset(np.tile(np.arange(bank.n_items), 3))
    params.item_ids = [f"{name}{k}" for k, name in enumerate(params.item_ids)]
    x = simulate_responses(params, rng.normal(size=n), rng,
                           random_presentation(n, params.n_items, 0.8, rng))
    return params, x


def test_mle_and_map_maximise_the_likelihood_for_mixed_models_with_missing_data() -> None:
    params, x = _mixed_data(40)
    mle, map_ = score_mle(params, x), score_map(params, x, prior_mean=0.2, prior_sd=1.3)
    for p in range(10):
        def nll(t, p=p):
            return -log_likelihood(params, x[p:p + 1], np.array([t]))[0, 0]

        def npost(t, p=p):
            return nll(t) - norm.logpdf(t, 0.2, 1.3)

        if not mle.has(ScoreFlag.AT_BOUND)[p]:
            best = minimize_scalar(nll, bounds=(-6, 6), method="bounded",
                                   options={"xatol": 1e-9}).x
            assert mle.theta[p] == pytest.approx(best, abs=1e-4)
        best = minimize_scalar(npost, bounds=(-6, 6), method="bounded",
                               options={"xatol": 1e-9}).x
        assert map_.theta[p] == pytest.approx(best, abs=1e-4)
        h = 1e-4  # SE from the curvature of the log posterior
        curv = (npost(best + h) - 2 * npost(best) + npost(best - h)) / h**2
        assert map_.se[p] == pytest.approx(1 / np.sqrt(curv), rel=1e-3)


def test_wle_maximises_likelihood_times_root_information_for_rasch_family() -> None:
    """For exponential-family items (Rasch, 2PL, GPCM) Warm's WLE maximises L(θ)·√I(θ)."""
    rng = np.random.default_rng(5)
    params = ItemParameters.from_records(
        [{"item_id": f"r{i}", "model": "rasch", "b": b} for i, b in enumerate(rng.normal(size=8))]
        + [{"item_id": "g", "model": "gpcm", "a": 0.8, "steps": [-0.5, 0.7]}])
    x = simulate_responses(params, rng.normal(size=20), rng)
    wle = score_wle(params, x)
    grid = np.linspace(-6, 6, 24001)
    from app.irt.models import test_information

    objective = log_likelihood(params, x, grid) + 0.5 * np.log(test_information(params, grid))
    np.testing.assert_allclose(wle.theta, grid[np.argmax(objective, axis=1)], atol=1e-3)


def test_subscore_uses_only_the_chosen_items() -> None:
    params, x = _mixed_data(50)
    strand = [params.item_ids[i] for i in (0, 3, 5, 9, 12)]
    mask = np.isin(params.item_ids, strand)
    by_ids = subscore(params, x, strand, "wle")
    by_mask = subscore(params, x, mask, "wle")
    direct = score_wle(params.subset(np.flatnonzero(mask)), x[:, mask])
    np.testing.assert_array_equal(by_ids.theta, direct.theta)
    np.testing.assert_array_equal(by_mask.theta, direct.theta)
    with pytest.raises(ValueError, match="unknown item ids"):
        subscore(params, x, ["nope"])


def test_bad_scores_are_reported_by_item() -> None:
    params = _mixed()
    x = np.zeros((2, params.n_items))
    x[1, 0] = 2  # a dichotomous item scored 2
    x[0, 4] = 0.5
    with pytest.raises(ValueError, match="items: r, p"):
        check_responses(params, x)
    with pytest.raises(ValueError, match="unknown scoring method"):
        score(params, np.zeros((1, params.n_items)), "ml")
