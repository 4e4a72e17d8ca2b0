"""Infeasible specs get explanations that name the right requirements and smallest fixes."""

from __future__ import annotations

import dataclasses
import json

from app.assembly.explain import explain_infeasible
from app.assembly.forms import assemble
from app.assembly.model import ModelOptions
from app.assembly.spec import CountBound, Exclude, Include, Spec
from tests.assembly.builders import make_pool, make_spec, members

POOL = make_pool(12)
ALL = tuple(range(12))
CR = members(POOL, "TYPE", "CR")  # 4 items
MC = members(POOL, "TYPE", "MC")  # 8 items


def test_a_bound_the_pool_cannot_meet_is_named_with_its_smallest_relaxation() -> None:
    spec = make_spec(POOL, [CountBound(cid="N", members=ALL, lb=6, ub=6),
                            CountBound(cid="C7", label='TYPE == "CR"', members=CR, lb=5)])
    result = assemble(spec)
    assert result.status == "infeasible" and not result.items
    explanation = result.explanation
    assert explanation is not None
    assert [f.cid for f in explanation.relaxation] == ["C7"]
    fix = explanation.relaxation[0]
    assert (fix.action, fix.current, fix.suggested) == ("lower_minimum", 5, 4)
    conflict = explanation.conflicts[0]
    assert conflict.cid == "C7" and "needs at least 5 items but only 4 fit" in conflict.problem
    assert "no change to the other requirements" in conflict.problem


def test_two_conflicting_bounds_name_each_other_with_alternative_fixes() -> None:
    spec = make_spec(POOL, [CountBound(cid="N", members=ALL, lb=6, ub=6),
                            CountBound(cid="C2", label="CR", members=CR, lb=3),
                            CountBound(cid="C5", label="MC", members=MC, lb=4)])
    explanation = assemble(spec).explanation
    assert explanation is not None
    assert set(explanation.constraint_ids) == {"C2", "C5", "N"}
    first = explanation.conflicts[0]
    assert len(first.partners) == 2, first
    kept = [a.keep for a in first.alternatives]
    assert kept[0] == (first.cid,) and len(kept[1]) == 2
    text = "\n".join(explanation.lines())
    assert first.cid in text and "or keep" in text
    json.dumps(explanation.to_dict())  # plain data, ready for an HTTP 409/422 body


def test_include_and_exclude_of_the_same_item_conflict() -> None:
    spec = make_spec(POOL, [CountBound(cid="N", members=ALL, lb=6, ub=6),
                            Include(cid="C34", members=(3,)), Exclude(cid="C35", members=(3,))])
    explanation = assemble(spec).explanation
    assert explanation is not None
    conflict = explanation.conflicts[0]
    assert {conflict.cid, *(f.cid for f in conflict.alternatives[0].changes)} == {"C34", "C35"}
    assert "I03" in "\n".join(explanation.lines())


def test_fixed_items_are_blamed_when_the_requirements_alone_are_fine() -> None:
    spec = make_spec(POOL, [CountBound(cid="N", members=ALL, lb=6, ub=6)])
    barred = ModelOptions(fixed_out=frozenset(range(8)))
    explanation = explain_infeasible(spec, barred)
    assert explanation.relaxation[0].cid == "N"
    assert "bars 8 item(s)" in explanation.notes[0]


def test_science_with_an_impossible_standard_count_names_c7(science: Spec) -> None:
    requirements = [dataclasses.replace(r, lb=12, ub=14) if isinstance(r, CountBound)
                    and r.cid == "C7" else r for r in science.requirements]
    result = assemble(dataclasses.replace(science, requirements=requirements))
    assert result.status == "infeasible" and result.explanation is not None
    explanation = result.explanation
    assert explanation.constraint_ids[0] == "C7"
    lines = "\n".join(explanation.lines())
    assert "C7 (STANDARD == 3) needs at least 12 items" in lines
    assert "lower C7's minimum from 12 to" in lines
