"""Teacher requests: spec, summary, reporting rule, diversity, swap and parallel forms."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import numpy as np
import pytest

from app.assembly.check import check_form
from app.assembly.forms import AssemblyResult, assemble, parallel_form, swap_item
from app.assembly.model import build_model
from app.assembly.request import (
    RequestError,
    RequestSpec,
    TeacherRequest,
    build_request_spec,
)
from app.assembly.solve import SolveOptions, solve_mip
from app.assembly.spec import (
    Diversity,
    Exclude,
    PerStimulusBound,
    Spec,
    TargetInformation,
)
from app.assembly.summary import summarize
from app.assembly.synthetic import sublevel_theta, synthetic_bank
from app.assembly.variety import floor_model
from app.irt.models import test_information

BANK = synthetic_bank(3000, 80, seed=11)
ROOMY = SolveOptions(time_limit=math.inf)
"""No time limit: what the solver proves and returns depends on the spec alone, never on the
machine's speed, so the contracts below hold on any machine (a slow one only takes longer)."""


def _request(**changes: object) -> TeacherRequest:
    base = TeacherRequest(
        levels={"3": "most", "4": "some"},
        strands={"Finding information": "most", "Knowledge": "some", "Understanding": "some"},
        expected_level="mostly 3P", sublevel_theta=sublevel_theta(), duration_minutes=25,
        deep_share=0.4, exclude=[r["code"] for r in BANK[:300:7]], seed=1)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built() -> tuple[RequestSpec, AssemblyResult]:
    request_spec = build_request_spec(BANK, _request())
    result = assemble(request_spec.spec, ROOMY)
    assert result.ok and result.status == "optimal", (result.status, result.check)
    return request_spec, result


def test_request_spec_covers_time_levels_strands_depth_passages_and_seen_items(built) -> None:
    request_spec, result = built
    spec = request_spec.spec
    cids = {r.cid for r in spec.requirements}
    assert {"time", "level 3", "level 4", "strand Finding information", "surface/deep",
            "passage size", "seen recently"} <= cids
    seen = next(r for r in spec.requirements if isinstance(r, Exclude))
    assert not set(result.items) & set(seen.members)
    records = [request_spec.records[i] for i in result.items]
    assert sum(r["expected_time_s"] for r in records) <= 25 * 60
    assert {r["sublevel"][0] for r in records} <= {"3", "4"}
    deep = sum(r["depth"] == "deep" for r in records) / len(records)
    assert 0.3 - 1e-9 <= deep <= 0.5 + 1e-9


def test_summary_reports_order_counts_time_score_se_and_an_accessible_chart(built) -> None:
    request_spec, result = built
    summary = summarize(request_spec, result)
    assert [row["position"] for row in summary.items] == list(range(1, len(result.items) + 1))
    assert sum(summary.by_strand.values()) == len(result.items)
    assert sum(summary.by_depth.values()) == len(result.items)
    assert summary.total_time_s <= 25 * 60
    assert 0 < summary.expected_score < summary.max_score
    centre = request_spec.class_level.centre
    info = test_information(request_spec.spec.pool.params.subset(list(result.items)),
                            np.array([centre]))[0]
    assert summary.se_at_class_level == pytest.approx(1 / np.sqrt(info))
    svg = summary.tif_svg
    assert svg.startswith("<svg") and "<title" in svg and "<desc" in svg
    assert 'role="img"' in svg and "Ability θ" in svg and "Test information" in svg
    assert summary.check is not None and summary.check.ok


def test_reported_strands_are_limited_by_the_duration() -> None:
    strands = {"Finding information": "most", "Knowledge": "some", "Understanding": "some",
               "Connections": "some"}
    short = build_request_spec(BANK, _request(duration_minutes=12, strands=strands))
    assert len(short.reported_strands) < 4 and short.reported_strands[0] == "Finding information"
    assert any("Not reported separately" in n for n in short.notes)
    result = assemble(short.spec)
    assert result.ok
    counts = Counter(short.records[i]["strand"] for i in result.items)
    assert all(counts[s] >= 6 for s in short.reported_strands)
    long = build_request_spec(BANK, _request(duration_minutes=45, strands=strands))
    assert len(long.reported_strands) == 4


def _keeps_the_floor(spec: Spec, result: AssemblyResult) -> bool:
    """The ε-constraint of a teacher's request: at the class's level, at least the floor of the
    best form's information (the ends of the class's range are free)."""
    points = np.asarray(spec.objective.thetas)
    assert spec.diversity.held_at == (1,) and points[1] == np.median(points)  # the centre
    best = test_information(spec.pool.params.subset(list(result.best_items)), points)
    return bool(result.tif[1] >= spec.diversity.floor * best[1] - 1e-6)


def test_two_teachers_with_the_same_request_get_different_forms(built) -> None:
    _, first = built
    other = build_request_spec(BANK, _request(seed=2))
    second = assemble(other.spec, ROOMY)
    assert second.ok and second.status == "optimal" and set(second.items) != set(first.items)
    for result in (first, second):
        assert result.best is not None and _keeps_the_floor(other.spec, result)


def test_exposure_gives_the_form_sharing_fewest_items_within_the_information_floor(
        built) -> None:
    request_spec, first = built
    exposure = {request_spec.records[i]["code"]: 1.0 for i in first.items}
    spec = build_request_spec(BANK, _request(seed=None, exposure=exposure)).spec
    rested = assemble(spec, ROOMY)
    assert rested.ok and rested.status == "optimal"
    assert rested.best_gap is not None and rested.best_gap <= 0.01 + 1e-9
    assert _keeps_the_floor(spec, rested)
    exposed = {spec.pool.index(code) for code in exposure}
    # the most informative form is one of the forms allowed, so it never shares fewer
    assert len(exposed & set(rested.items)) <= len(exposed & set(rested.best_items))


def _twinned(bank: list[dict]) -> list[dict]:
    """The bank and a copy of each item (same parameters and attributes, new codes and
    passages; an item and its copy are enemies): whatever form it allows, swapping each item
    for its copy gives a disjoint form of the same information."""
    pairs = [{**r, "enemy_group": r["code"]} for r in bank]
    twins = [{**r, "code": f"{r['code']}-T", "passage": f"{r['passage']}-T" if r["passage"]
              else None} for r in pairs]
    return [*pairs, *twins]


def test_when_a_disjoint_form_keeps_the_information_no_item_is_shared() -> None:
    bank = _twinned(synthetic_bank(600, 20, seed=5))
    request = _request(exclude=[], duration_minutes=15)
    first = assemble(build_request_spec(bank, dataclasses.replace(request, seed=None)).spec)
    assert first.ok and first.best is None  # nothing to vary: the best form itself
    first_spec = build_request_spec(bank, dataclasses.replace(request, seed=None)).spec
    exposure = {first_spec.pool.item_ids[i]: 1.0 for i in first.items}
    spec = build_request_spec(bank, dataclasses.replace(request, exposure=exposure)).spec
    again = assemble(spec, ROOMY)
    assert again.ok and again.status == "optimal" and _keeps_the_floor(spec, again)
    assert not {spec.pool.item_ids[i] for i in again.items} & set(exposure)
    # The solver, started from the best form, returns the values its objective describes
    # (HiGHS 1.16 can hand back the start instead; solve_mip then solves again without it).
    model = build_model(spec)
    varied = floor_model(spec, model, model.info[:, list(first.items)].sum(axis=1))
    start = np.zeros(varied.cost.size)
    start[list(first.items)] = 1.0
    start[[model.n_items + s for s in {int(spec.pool.stimulus_of[i]) for i in first.items}
           if s >= 0]] = 1.0
    solved = solve_mip(varied, dataclasses.replace(ROOMY, mip_rel_gap=0.0, mip_abs_gap=0.5),
                       start=start)
    assert solved.values is not None and solved.objective is not None
    assert float(varied.cost @ solved.values) == pytest.approx(solved.objective, abs=1e-6)


def test_items_of_one_family_never_share_a_test() -> None:
    bank = [{**r, "family": None if r["passage"] else f"F{k // 4}"}  # families of four
            for k, r in enumerate(BANK)]
    request_spec = build_request_spec(bank, _request())
    assert any(r.cid.startswith("family ") for r in request_spec.spec.requirements)
    result = assemble(request_spec.spec, ROOMY)
    assert result.ok
    per_family = Counter(request_spec.records[i]["family"] for i in result.items)
    per_family.pop(None, None)
    assert per_family and max(per_family.values()) == 1


def test_a_bank_that_forces_the_form_gives_the_same_form_to_everyone() -> None:
    bank = [r for r in BANK if r["passage"] is None][:40]
    request = _request(duration_minutes=None, item_count=40, exclude=[], deep_share=None,
                       levels={str(k): "some" for k in range(2, 5)},
                       strands={s: "some" for s in {r["strand"] for r in bank}},
                       expected_level="3P", min_items_per_strand=1)
    forms = []
    for seed in (1, 2):
        spec = build_request_spec([r for r in bank if r["sublevel"][0] in "234"],
                                  dataclasses.replace(request, seed=seed)).spec
        forms.append(set(assemble(spec).items))
    assert forms[0] == forms[1]


def test_swap_keeps_every_requirement_and_the_other_items(built) -> None:
    request_spec, result = built
    spec = request_spec.spec
    discrete = [i for i in result.items if spec.pool.stimulus_of[i] < 0]
    out = discrete[0]
    swapped = swap_item(spec, result.items, out)
    assert swapped.ok and out not in swapped.items
    kept = set(result.items) - {out}
    assert len(kept & set(swapped.items)) >= len(kept) - 1
    assert "replaced" in swapped.message


def test_parallel_form_has_no_overlap_and_close_information(built) -> None:
    request_spec, _ = built
    points = request_spec.class_level.points
    spec = dataclasses.replace(request_spec.spec, objective=TargetInformation(
        thetas=points, targets=(12.0, 12.0, 12.0)), diversity=Diversity())
    result = assemble(spec)
    assert result.ok and result.objective is not None and result.objective < 0.1
    twin = parallel_form(spec, result.items)
    assert twin.ok, twin.status
    assert not set(twin.items) & set(result.items)
    passages = {int(spec.pool.stimulus_of[i]) for i in result.items} - {-1}
    assert not passages & ({int(spec.pool.stimulus_of[i]) for i in twin.items} - {-1})
    assert twin.objective is not None and twin.objective <= 0.6  # within 5% of the targets
    grid = np.linspace(min(points) - 0.3, max(points) + 0.3, 11)
    first = test_information(spec.pool.params.subset(list(result.items)), grid)
    second = test_information(spec.pool.params.subset(list(twin.items)), grid)
    assert np.max(np.abs(first - second) / first) < 0.1  # close along the whole curve
    assert check_form(spec, twin.items).ok


def test_bad_requests_list_every_problem() -> None:
    with pytest.raises(RequestError) as caught:
        build_request_spec(BANK, _request(levels={"2": "most", "4": "some", "5": "lots"},
                                          duration_minutes=None, expected_level="9Z"))
    problems = " | ".join(caught.value.problems)
    for words in ("unknown level weight", "next to each other (you chose Level 2 and Level 4)",
                  "time available", "unknown sublevel"):
        assert words in problems


def test_passage_rule_uses_the_request_sizes(built) -> None:
    request_spec, result = built
    rule = next(r for r in request_spec.spec.requirements if isinstance(r, PerStimulusBound))
    assert (rule.lb, rule.ub) == (3, 6)
    per = Counter(int(request_spec.spec.pool.stimulus_of[i]) for i in result.items)
    per.pop(-1, None)
    assert all(3 <= n <= 6 for n in per.values())


def test_extra_shares_by_response_type() -> None:
    shares = {"response_type": {"short answer": (0.4, 0.6)}}
    request_spec = build_request_spec(BANK, _request(shares=shares))
    result = assemble(request_spec.spec)
    assert result.ok
    short = sum(request_spec.records[i]["response_type"] == "short answer"
                for i in result.items) / len(result.items)
    assert 0.4 - 1e-9 <= short <= 0.6 + 1e-9


def test_an_impossible_request_is_explained_in_the_request_terms() -> None:
    level_4 = [r["code"] for r in BANK if r["sublevel"].startswith("4")]
    result = assemble(build_request_spec(BANK, _request(exclude=level_4)).spec)
    assert result.status == "infeasible" and result.explanation is not None
    ids = result.explanation.constraint_ids
    assert "seen recently" in ids and "level 4" in ids
    text = "\n".join(result.explanation.lines())
    assert "level 4 (weighted some" in text and "Traceback" not in text
