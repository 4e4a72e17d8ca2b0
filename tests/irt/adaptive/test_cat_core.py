"""The numerical CAT core: EAP updates, eligibility, stopping, selection, simulation contracts."""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.adaptive import (
    EligibilityControl,
    GridPosterior,
    InformationTable,
    LogProbabilities,
    MaxInformationShadow,
    StoppingRule,
    closed_stimuli,
    exposure_rates,
    next_item,
    overlap_rate,
    recovery,
    simulate_cat,
)
from app.irt.models import item_information
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap


def bank(n: int, seed: int = 0, polytomous: int = 0) -> ItemParameters:
    """2PL items with ``b ~ U(−3, 3)``; the last ``polytomous`` are 3-step GPCM items."""
    rng = np.random.default_rng(seed)
    records = [{"item_id": f"i{k}", "model": "2pl", "a": float(np.exp(rng.normal(0.2, 0.25))),
                "b": float(rng.uniform(-3, 3))} for k in range(n - polytomous)]
    records += [{"item_id": f"g{k}", "model": "gpcm", "a": 1.0,
                 "steps": sorted(rng.normal(0, 1, 3).tolist())} for k in range(polytomous)]
    return ItemParameters.from_records(records)


def test_grid_posterior_equals_batch_eap_on_the_answered_items() -> None:
    params = bank(30, polytomous=5)
    rng = np.random.default_rng(1)
    items = rng.choice(30, size=12, replace=False)
    scores = [int(rng.integers(params.max_score[i] + 1)) for i in items]
    table, log_prior = LogProbabilities.normal(params, 0.3, 1.2)
    posterior = GridPosterior(table, log_prior)
    for i, x in zip(items, scores, strict=True):
        posterior.update(i, x)
    theta, se = posterior.estimates()
    x = np.full((1, 30), np.nan)
    x[0, items] = scores
    expected = score_eap(params, x, prior_mean=0.3, prior_sd=1.2)
    np.testing.assert_allclose([theta[0], se[0]], [expected.theta[0], expected.se[0]],
                               rtol=1e-9)


def test_information_table_interpolates_within_a_hair_of_the_model() -> None:
    params = bank(50)
    table = InformationTable(params)
    for theta in (-2.337, 0.0, 0.4141, 3.9):
        np.testing.assert_allclose(table.at(theta), item_information(params, [theta])[0],
                                   atol=2e-4)


def test_eligibility_blocks_items_at_the_running_cap() -> None:
    control = EligibilityControl(3, max_rate=0.25)
    rng = np.random.default_rng(0)
    assert control.draw(rng).all()  # nobody tested yet: every item may be given once
    for _ in range(8):
        control.record(control.draw(rng) | True, [0])  # item 0 given to everyone allowed
    # item 0 was given 8 times to 8 persons; 9 > max(0.25·9, 1) so it is not eligible
    assert not control.draw(rng)[0]
    with pytest.raises(ValueError):
        EligibilityControl(3, max_rate=0.0)


def test_no_exposure_control_makes_every_item_eligible() -> None:
    control = EligibilityControl(4, max_rate=1.0)
    control.record(np.ones(4, bool), [0, 1])
    assert control.draw(np.random.default_rng(0)).all()


@pytest.mark.parametrize(("rule", "n", "se", "done"), [
    (StoppingRule(10), 9, 0.1, False), (StoppingRule(10), 10, 0.9, True),
    (StoppingRule(10, se_target=0.3), 4, 0.29, True),
    (StoppingRule(10, se_target=0.3, min_items=5), 4, 0.29, False),
    (StoppingRule(10, se_target=0.3), 6, 0.31, False)])
def test_stopping_rules(rule: StoppingRule, n: int, se: float, done: bool) -> None:
    assert rule.done(n, se) is done


def test_stopping_rule_rejects_nonsense() -> None:
    for bad in ({"max_items": 0}, {"max_items": 5, "se_target": 0.0},
                {"max_items": 5, "min_items": 6}):
        with pytest.raises(ValueError):
            StoppingRule(**bad)  # type: ignore[arg-type]


def test_next_item_takes_the_most_informative_free_shadow_item() -> None:
    info = np.array([0.1, 0.9, 0.5, 0.7, 0.2])
    assert next_item(np.array([0, 1, 3]), [1], info) == 3
    assert next_item(np.array([1]), [1], info) is None


def test_an_open_passage_continues_and_a_left_one_is_barred() -> None:
    stimulus_of = np.array([0, 0, 0, -1, 1, 1])
    info = np.array([0.1, 0.2, 0.3, 0.9, 0.8, 0.7])
    # the last given item is in passage 0: its free shadow items come before the better item 3
    assert next_item(np.array([0, 1, 3]), [0], info, stimulus_of) == 1
    barred = closed_stimuli([0, 3], stimulus_of)
    assert barred.tolist() == [False, True, True, False, False, False]


def test_max_information_shadow_prefers_eligible_items() -> None:
    shadow = MaxInformationShadow(3)
    info = np.array([0.9, 0.8, 0.1, 0.2, 0.05])
    eligible = np.array([False, True, True, True, True])
    chosen = shadow(info, [4], eligible, np.zeros(5, bool))
    assert sorted(chosen.tolist()) == [1, 3, 4]
    # too few eligible items left: the best ineligible one fills the test
    assert 0 in shadow(info, [], np.array([False, True, False, False, False]),
                       np.zeros(5, bool)).tolist()


EXPOSURE_TOLERANCE = 0.02


def test_exposure_never_above_the_cap_beyond_tolerance() -> None:
    """Moderate simulation, fixed seed: 600 simulees, 15 of 200 items, cap 0.2 (+0.02)."""
    params = bank(200, seed=3)
    theta = np.random.default_rng(4).normal(size=600)
    free = simulate_cat(params, theta, np.random.default_rng(5), stopping=StoppingRule(15))
    capped = simulate_cat(params, theta, np.random.default_rng(5), stopping=StoppingRule(15),
                          max_exposure=0.2)
    assert free.exposure.max() > 0.4  # the cap has work to do
    assert capped.exposure.max() <= 0.2 + EXPOSURE_TOLERANCE
    np.testing.assert_allclose(capped.exposure, exposure_rates(capped.given, 200))
    assert recovery(theta, capped.theta, capped.se).rmse < 0.4


def test_every_simulee_gets_distinct_items_and_fixed_length() -> None:
    params = bank(120, seed=6, polytomous=10)
    theta = np.random.default_rng(7).normal(size=60)
    result = simulate_cat(params, theta, np.random.default_rng(8), stopping=StoppingRule(12))
    assert (result.n_items == 12).all()
    assert all(np.unique(g).size == g.size == 12 for g in result.given)


def test_first_item_is_not_the_same_for_everyone() -> None:
    params = bank(100, seed=9)
    theta = np.zeros(40)
    result = simulate_cat(params, theta, np.random.default_rng(10), stopping=StoppingRule(3))
    assert len({int(g[0]) for g in result.given}) >= 3


def test_se_stop_ends_at_the_target_or_the_maximum() -> None:
    params = bank(300, seed=11)
    theta = np.random.default_rng(12).normal(size=80)
    rule = StoppingRule(30, se_target=0.35)
    result = simulate_cat(params, theta, np.random.default_rng(13), stopping=rule)
    at_max = result.n_items == 30
    assert (result.se[~at_max] <= 0.35).all()
    assert (~at_max).sum() > 40 and (result.n_items < 30).any()
    assert (result.n_items >= 1).all()


def test_cat_beats_random_tests_of_the_same_length() -> None:
    """Known truth: adaptive selection measures better than random items (same length)."""
    params = bank(300, seed=14)
    theta = np.random.default_rng(15).normal(size=300)
    cat = simulate_cat(params, theta, np.random.default_rng(16), stopping=StoppingRule(15))
    rng = np.random.default_rng(17)
    x = np.full((300, 300), np.nan)
    from app.irt.simulate import simulate_responses
    full = simulate_responses(params, theta, rng)
    for p in range(300):
        pick = rng.choice(300, 15, replace=False)
        x[p, pick] = full[p, pick]
    rand = score_eap(params, x)
    assert recovery(theta, cat.theta, cat.se).rmse < 0.8 * recovery(theta, rand.theta,
                                                                      rand.se).rmse


def test_passages_are_given_whole_and_together() -> None:
    params = bank(90, seed=18)
    stimulus_of = np.full(90, -1)
    stimulus_of[:40] = np.arange(40) // 5  # 8 passages of 5 items
    theta = np.random.default_rng(19).normal(size=50)
    result = simulate_cat(params, theta, np.random.default_rng(20), stopping=StoppingRule(20),
                          stimulus_of=stimulus_of)
    for given in result.given:
        runs = [int(stimulus_of[i]) for i in given]
        started = [s for k, s in enumerate(runs) if s >= 0 and (k == 0 or runs[k - 1] != s)]
        assert len(started) == len(set(started))  # a passage is never re-entered


def test_overlap_rate_of_identical_tests_is_one() -> None:
    exposure = np.array([1.0, 1.0, 0.0, 0.0])
    assert overlap_rate(exposure, 10, 2.0) == pytest.approx(1.0)
    assert overlap_rate(np.full(10, 0.2), 50, 2.0) < 0.2
