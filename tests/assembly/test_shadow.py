"""Shadow-test CAT: content, passages, enemies and time hold over the whole adaptive test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.assembly.shadow import NoShadowTest, ShadowAssembler
from app.assembly.spec import (
    CountBound,
    Enemies,
    MaximinInformation,
    PerStimulusBound,
    Spec,
    SumBound,
)
from app.assembly.tdconstraints import load_spec
from app.irt.adaptive import StoppingRule, closed_stimuli, simulate_cat
from tests.assembly.test_panel import classroom_pool

LENGTH = 20


def cat_spec() -> Spec:
    pool = classroom_pool(n=150, n_passages=6)
    everyone = tuple(range(pool.n_items))
    rules = [CountBound(cid=f"strand {s}", lb=5, ub=8, members=tuple(
        i for i, a in enumerate(pool.attributes) if a["STRAND"] == s))
        for s in ("NUM", "GEO", "STAT")]
    rules += [CountBound(cid="deep", lb=6, ub=9, members=tuple(
        i for i, a in enumerate(pool.attributes) if a["DEPTH"] == "deep")),
        SumBound(cid="time", members=everyone, ub=950.0,
                 weights=tuple(float(a["TIME"]) for a in pool.attributes)),
        PerStimulusBound(cid="passage size", stimuli=tuple(range(pool.n_stimuli)), lb=4, ub=5),
        CountBound(cid="passages", members=tuple(range(pool.n_stimuli)), lb=1, ub=1,
                   level="stimulus"),
        Enemies(cid="enemies", members=(40, 41, 42, 43))]
    return Spec(pool=pool, requirements=rules, objective=MaximinInformation(thetas=(0.0,)))


class Recorder:
    """Wraps a shadow assembler and keeps what it was asked and what it answered."""

    def __init__(self, inner: ShadowAssembler) -> None:
        self.inner, self.length, self.calls = inner, inner.length, []

    def __call__(self, info, given, eligible, barred, previous):  # type: ignore[no-untyped-def]
        out = self.inner(info, given, eligible, barred, previous)
        self.calls.append((list(given), out.tolist(), eligible.copy()))
        return out


@pytest.fixture(scope="module")
def simulated():  # type: ignore[no-untyped-def]
    spec = cat_spec()
    shadow = Recorder(ShadowAssembler(spec, LENGTH))
    theta = np.random.default_rng(1).normal(0, 1, 12)
    result = simulate_cat(spec.pool.params, theta, np.random.default_rng(2),
                          stopping=StoppingRule(LENGTH), shadow=shadow, max_exposure=0.3,
                          stimulus_of=spec.pool.stimulus_of)
    return spec, shadow, result


def test_every_administered_test_meets_every_rule(simulated) -> None:  # type: ignore[no-untyped-def]
    _spec, shadow, result = simulated
    for given in result.given:
        assert len(given) == LENGTH
        report = shadow.inner.check(given)  # passages contiguous, enemies, time, counts
        assert report.ok, report.failures


def test_each_shadow_test_holds_the_given_items_and_the_rules(simulated) -> None:  # type: ignore[no-untyped-def]
    _, shadow, _ = simulated
    for given, found, _ in shadow.calls[::7]:
        assert set(given) <= set(found) and len(found) == LENGTH
        assert shadow.inner.check(found).ok


def test_ineligible_items_are_left_out_when_the_rules_allow(simulated) -> None:  # type: ignore[no-untyped-def]
    spec, shadow, _ = simulated
    inner = shadow.inner
    info = np.linspace(1.0, 0.0, spec.pool.n_items)
    everyone = np.ones(spec.pool.n_items, dtype=bool)
    free = inner(info, [], everyone, np.zeros(0, bool), None)
    eligible = everyone.copy()
    eligible[free[:5]] = False
    again = inner(info, [], eligible, np.zeros(0, bool), None)
    assert not set(free[:5].tolist()) & set(again.tolist())
    assert inner.check(again).ok


def test_a_left_passage_is_not_taken_up_again(simulated) -> None:  # type: ignore[no-untyped-def]
    spec, shadow, _ = simulated
    stimulus_of = spec.pool.stimulus_of
    given = [0, 1, 2, 3, 60]  # passage P0 given (4 items), then a discrete item
    barred = closed_stimuli(given, stimulus_of)
    info = np.zeros(spec.pool.n_items)
    info[4] = 10.0  # the passage's fifth item is the most informative of all
    found = shadow.inner(info, given, np.ones(spec.pool.n_items, bool), barred, None)
    assert 4 not in found.tolist() and set(given) <= set(found.tolist())


def test_impossible_rules_are_explained() -> None:
    spec = cat_spec()
    spec.requirements.append(CountBound(cid="too many deep", lb=30, members=tuple(
        range(spec.pool.n_items))))
    with pytest.raises(NoShadowTest) as caught:
        ShadowAssembler(spec, LENGTH)
    assert caught.value.explanation is not None


def test_science_1000_shadow_cat_meets_its_36_constraints(testdesign_dir: Path) -> None:
    spec, _ = load_spec(testdesign_dir / "itempool_science_1000.csv",
                        testdesign_dir / "itemattrib_science_1000.csv",
                        testdesign_dir / "constraints_science_1000.csv",
                        MaximinInformation(thetas=(0.0,)))
    shadow = ShadowAssembler(spec, 30)
    theta = np.array([-1.5, 0.0, 1.5])
    result = simulate_cat(spec.pool.params, theta, np.random.default_rng(3),
                          stopping=StoppingRule(30), shadow=shadow, max_exposure=0.25)
    assert all(shadow.check(g).ok for g in result.given)
