"""Each requirement type: the assembled form meets it, and the checker catches a violation."""

from __future__ import annotations

import pytest

from app.assembly.check import check_form
from app.assembly.forms import AssemblyResult, assemble
from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    OrderRule,
    PerStimulusBound,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
)
from tests.assembly.builders import make_pool, make_spec, members

POOL = make_pool(12)
ALL = tuple(range(12))
SIX = CountBound(cid="N", label="six items", members=ALL, lb=6, ub=6)


def _solve(*requirements: Requirement, pool=POOL) -> tuple[Spec, AssemblyResult]:
    spec = make_spec(pool, list(requirements))
    result = assemble(spec)
    assert result.status == "optimal", result.explanation
    assert result.check is not None and result.check.ok, result.check
    return spec, result


def _failed(spec: Spec, form: list[int]) -> set[str]:
    return {r.cid for r in check_form(spec, form).failures}


def test_count_bounds() -> None:
    cr = CountBound(cid="CR", label='TYPE == "CR"', members=members(POOL, "TYPE", "CR"),
                    lb=3, ub=3)
    spec, result = _solve(SIX, cr)
    assert len(result.items) == 6
    assert sum(POOL.attributes[i]["TYPE"] == "CR" for i in result.items) == 3
    assert _failed(spec, [1, 2, 4, 5, 7, 8]) == {"CR"}
    assert _failed(spec, [0, 3, 6, 9, 1, 2, 4]) == {"N", "CR"}


def test_share_bounds() -> None:
    cr = members(POOL, "TYPE", "CR")
    share = ShareBound(cid="P", label="half CR", members=cr, lb=0.5, ub=0.5)
    spec, result = _solve(SIX, share)
    assert sum(i in cr for i in result.items) == 3
    assert _failed(spec, [0, 3, 1, 2, 4, 5]) == {"P"}


def test_sum_bounds() -> None:
    times = tuple(float(a["TIME"]) for a in POOL.attributes)  # type: ignore[arg-type]
    time = SumBound(cid="T", label="time", members=ALL, weights=times, lb=150, ub=200,
                    unit="seconds")
    spec, result = _solve(time)
    assert 150 <= sum(times[i] for i in result.items) <= 200
    assert _failed(spec, list(ALL)) == {"T"}


def test_enemies_include_exclude_all_or_none() -> None:
    rules = [SIX, Enemies(cid="E", members=(5, 6)), Include(cid="I", members=(0, 11)),
             Exclude(cid="X", members=(4, 7)), AllOrNone(cid="A", members=(2, 3))]
    spec, result = _solve(*rules)
    chosen = set(result.items)
    assert {0, 11} <= chosen and not chosen & {4, 7}
    assert len(chosen & {5, 6}) <= 1 and len(chosen & {2, 3}) in (0, 2)
    assert _failed(spec, [0, 11, 5, 6, 2, 3]) == {"E"}
    assert _failed(spec, [0, 1, 5, 8, 2, 3]) == {"I"}
    assert _failed(spec, [0, 11, 4, 8, 2, 3]) == {"X"}
    assert _failed(spec, [0, 11, 1, 8, 9, 2]) == {"A"}


def test_order_rule_is_met_by_the_presentation_order() -> None:
    level = OrderRule(cid="O", label="by LEVEL",
                      keys=tuple(a["LEVEL"] for a in POOL.attributes))
    spec, result = _solve(SIX, level)
    levels = [POOL.attributes[i]["LEVEL"] for i in result.items]
    assert levels == sorted(levels)  # type: ignore[type-var]
    assert _failed(spec, [2, 1, 0, 3, 4, 5]) == {"O"}


PASSAGES = make_pool(20, n_stimuli=3, per_stimulus=4)


def test_passages_chosen_with_min_to_max_items_or_not_at_all() -> None:
    rules = [CountBound(cid="N", members=tuple(range(20)), lb=10, ub=10),
             CountBound(cid="S", members=(0, 1, 2), lb=2, ub=2, level="stimulus"),
             PerStimulusBound(cid="P", stimuli=(0, 1, 2), lb=3, ub=3)]
    spec, result = _solve(*rules, pool=PASSAGES)
    per = {s: sum(int(PASSAGES.stimulus_of[i]) == s for i in result.items) for s in range(3)}
    assert sorted(per.values()) == [0, 3, 3]
    stim = [int(PASSAGES.stimulus_of[i]) for i in result.items]
    runs = [s for k, s in enumerate(stim) if s >= 0 and (k == 0 or stim[k - 1] != s)]
    assert len(runs) == len(set(runs)) == 2  # each passage's items sit together
    assert _failed(spec, [0, 1, 2, 3, 4, 5, 12, 13, 14, 15]) == {"P"}
    assert _failed(spec, [0, 1, 2, 4, 5, 6, 8, 9, 10, 12]) == {"S"}
    assert _failed(spec, [0, 12, 1, 2, 4, 5, 6, 13, 14, 15]) == {"form"}


def test_stimulus_level_rules() -> None:
    rules = [CountBound(cid="N", members=tuple(range(20)), lb=8, ub=8),
             PerStimulusBound(cid="P", stimuli=(0, 1, 2), lb=2, ub=4),
             Include(cid="I", members=(2,), level="stimulus"),
             Exclude(cid="X", members=(0,), level="stimulus")]
    spec, result = _solve(*rules, pool=PASSAGES)
    stimuli = {int(PASSAGES.stimulus_of[i]) for i in result.items}
    assert 2 in stimuli and 0 not in stimuli
    assert _failed(spec, [0, 1, 12, 13, 16, 17, 18, 19]) == {"I", "X"}


@pytest.mark.parametrize("form", [[0, 0, 1], [0, 99]])
def test_structure_check_catches_duplicates_and_unknown_items(form: list[int]) -> None:
    spec = make_spec(POOL, [])
    assert "form" in _failed(spec, form)
