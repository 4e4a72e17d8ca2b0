"""A teacher's request (e-asTTle's test wizard) → a spec.

Items arrive as plain records (``code, strand, objective, sublevel, level_rank, solo, depth,
response_type, expected_time_s, passage, enemy_group, family`` plus IRT parameters ``model, a,
b, c, steps``; a ``family`` makes its items enemies, so it is left empty for families whose
items are independent); the request says how long the test is, which curriculum levels and
strands to cover (each weighted none/some/most), the surface/deep balance, how able the class
is ("mostly 3P", turned into θ via the given sublevel → θ map), and which items the class saw
recently.

e-asTTle's reporting rule: a strand is only reported when the test has enough of its items
(``min_items_per_strand``, default 6). The duration limits how many items fit, so it limits how
many strands can be reported: the strands with the most weight are reported, each with a
lower bound on its items, and the notes say which strands are not reported and why.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.assembly.levels import ClassLevel, parse_expected_level
from app.assembly.spec import (
    INFORMATION_FLOOR,
    CountBound,
    Diversity,
    Enemies,
    Exclude,
    MaximinInformation,
    PerStimulusBound,
    Pool,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
    members_where,
)
from app.irt.parameters import ItemParameters

WEIGHTS = {"none": 0, "some": 1, "most": 2}


class RequestError(ValueError):
    """A request that cannot be read (not one that merely has no form); lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class TeacherRequest:
    """What the teacher asked for. Shares are fractions of the items on the test."""

    levels: Mapping[str, str]
    strands: Mapping[str, str]
    expected_level: str
    sublevel_theta: Mapping[str, float]
    duration_minutes: float | None = None
    item_count: int | None = None
    deep_share: float | None = None
    share_tolerance: float = 0.1
    exclude: Collection[str] = ()
    exposure: Mapping[str, float] = field(default_factory=dict)
    """How many earlier forms (other teachers' recent tests) hold each item, by code."""
    seed: int | None = None
    variety_floor: float = INFORMATION_FLOOR
    """The varied form keeps at least this share of the best form's information."""
    min_items_per_strand: int = 6
    passage_items: tuple[int, int] = (3, 6)
    max_passages: int | None = None
    time_fill: float = 0.85
    shares: Mapping[str, Mapping[str, tuple[float, float]]] = field(default_factory=dict)
    """Extra share bounds by any item field, e.g. ``{"response_type": {"short answer":
    (0.2, 0.5)}}`` or ``{"solo": {"relational": (0.1, 0.4)}}``."""
    strand_names: Mapping[str, str] = field(default_factory=dict)
    """Strand code → the name a teacher knows it by (for notes and explanations)."""

    def strand_name(self, code: str) -> str:
        return self.strand_names.get(code, code)


@dataclass
class RequestSpec:
    """The spec built from a request, with what the summary needs to describe the form."""

    spec: Spec
    records: list[Mapping]
    class_level: ClassLevel
    reported_strands: list[str]
    notes: list[str]
    request: TeacherRequest | None = None
    """The request it was built from (the summary compares the form with it)."""


def _validate(request: TeacherRequest) -> list[str]:
    problems = []
    for kind, weights in (("level", request.levels), ("strand", request.strands)):
        bad = sorted(f"{k}={v}" for k, v in weights.items() if v not in WEIGHTS)
        if bad:
            problems.append(f"unknown {kind} weight(s) {', '.join(bad)} (use none/some/most)")
        if not any(WEIGHTS.get(v, 0) for v in weights.values()):
            what = "curriculum level" if kind == "level" else "strand"
            problems.append(f"Choose at least one {what} (some or most).")
    chosen = sorted(int(k) for k, v in request.levels.items() if WEIGHTS.get(v, 0))
    named = " and ".join(", ".join(f"Level {k}" for k in chosen).rsplit(", ", 1))
    if len(chosen) > 3:
        problems.append(f"Choose at most three curriculum levels (you chose {named}).")
    elif chosen and chosen[-1] - chosen[0] != len(chosen) - 1:
        problems.append(f"Choose curriculum levels next to each other (you chose {named}): "
                        "a test spans up to three neighbouring levels.")
    if request.duration_minutes is None and request.item_count is None:
        problems.append("Give the time available in minutes (or a number of items).")
    if request.deep_share is not None and not 0 <= request.deep_share <= 1:
        problems.append("Deep items must be between 0% and 100% of the test.")
    return problems


def build_request_spec(items: Sequence[Mapping], request: TeacherRequest) -> RequestSpec:
    """The spec for ``request`` over the bank ``items`` (raises :class:`RequestError`)."""
    problems = _validate(request)
    try:
        level = parse_expected_level(request.expected_level, request.sublevel_theta)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        raise RequestError(problems)
    levels = {str(k) for k, v in request.levels.items() if WEIGHTS[v]}
    strands = {k for k, v in request.strands.items() if WEIGHTS[v]}
    records = [r for r in items if level_of(r) in levels and r["strand"] in strands]
    if not records:
        raise RequestError(["The bank has no items at the chosen levels in the chosen strands: "
                            "choose other levels or strands."])
    pool = _pool(records)
    notes = [f"{len(records)} of {len(items)} bank items match the chosen levels and strands."]
    reported, strand_notes = _reported_strands(records, request)
    notes += strand_notes
    requirements = _requirements(pool, records, request, reported)
    exposure = tuple(float(request.exposure.get(r["code"], 0.0)) for r in records)
    spec = Spec(pool=pool, requirements=requirements,
                objective=MaximinInformation(thetas=level.points),
                diversity=Diversity(seed=request.seed, exposure=exposure,
                                    floor=request.variety_floor,
                                    held_at=(level.points.index(level.centre),)),
                name="teacher request")
    return RequestSpec(spec, records, level, reported, notes, request)


def level_of(record: Mapping) -> str:
    """The curriculum level of an item record ("3" for 3P)."""
    return "".join(ch for ch in str(record["sublevel"]) if ch.isdigit())


def _pool(records: Sequence[Mapping]) -> Pool:
    params = ItemParameters.from_records([
        {"item_id": r["code"], "model": r.get("model", "2pl"), "a": r.get("a", 1.0),
         "b": r.get("b"), "c": r.get("c", 0.0), "steps": r.get("steps")} for r in records])
    passages: dict[str, int] = {}
    stimulus_of = []
    for r in records:
        code = r.get("passage")
        if code:
            passages.setdefault(str(code), len(passages))
        stimulus_of.append(passages[str(code)] if code else -1)
    attributes = [{"ID": r["code"], **{k: r.get(k) for k in (
        "strand", "objective", "sublevel", "solo", "depth", "response_type", "expected_time_s",
        "passage", "enemy_group", "family")}} for r in records]
    return Pool(params=params, attributes=attributes, stimulus_of=np.array(stimulus_of),
                stimulus_ids=list(passages), stimulus_attributes=[{"STID": p} for p in passages])


def expected_items(records: Sequence[Mapping], request: TeacherRequest) -> int:
    """How many items the test will hold: the count asked for, or what fits in the time."""
    if request.item_count is not None:
        return request.item_count
    typical = float(np.median([float(r["expected_time_s"]) for r in records]))
    return math.floor(float(request.duration_minutes or 0) * 60 / max(typical, 1.0))


def _reported_strands(records: Sequence[Mapping], request: TeacherRequest
                      ) -> tuple[list[str], list[str]]:
    """The strands that get enough items to be reported, heaviest weight first; and notes."""
    n, per = expected_items(records, request), request.min_items_per_strand
    chosen = sorted((s for s, w in request.strands.items() if WEIGHTS[w]),
                    key=lambda s: (-WEIGHTS[request.strands[s]], s))
    room = n // per
    reported = chosen[:room]
    notes: list[str] = []
    if len(chosen) > room:
        left = ", ".join(request.strand_name(s) for s in chosen[room:])
        length = (f"A {request.duration_minutes:g}-minute test" if request.item_count is None
                  else f"A {n}-item test")
        notes.append(f"Not reported separately: {left}. {length} holds about {n} items and "
                     f"a strand is reported only with at least {per} of its items. Their items "
                     "still count towards the overall score; a longer test would report them.")
    return reported, notes


def _share(members: tuple[int, ...], share: float, tol: float, cid: str, label: str
           ) -> ShareBound:
    return ShareBound(cid=cid, label=label, members=members,
                      lb=max(0.0, share - tol), ub=min(1.0, share + tol))


def _requirements(pool: Pool, records: Sequence[Mapping], request: TeacherRequest,
                  reported: list[str]) -> list[Requirement]:
    reqs: list[Requirement] = []
    n = pool.n_items
    everyone = tuple(range(n))
    times = tuple(float(r["expected_time_s"]) for r in records)
    if request.duration_minutes is not None:
        limit = float(request.duration_minutes) * 60
        reqs.append(SumBound(cid="time", label=f"expected time within "
                             f"{request.duration_minutes:g} minutes", members=everyone,
                             weights=times, lb=request.time_fill * limit, ub=limit,
                             unit="seconds"))
    if request.item_count is not None:
        reqs.append(CountBound(cid="items", label=f"{request.item_count} items",
                               members=everyone, lb=request.item_count, ub=request.item_count))
    reqs += _weighted_shares(records, request, "level", request.levels, level_of)
    reqs += _weighted_shares(records, request, "strand", request.strands, lambda r: r["strand"])
    for strand in reported:
        members = members_where([r["strand"] == strand for r in records])
        reqs.append(CountBound(cid=f"report {strand}", label=f"at least "
                               f"{request.min_items_per_strand} items so it can be reported",
                               members=members, lb=request.min_items_per_strand))
    if request.deep_share is not None:
        deep = members_where([r.get("depth") == "deep" for r in records])
        reqs.append(_share(deep, request.deep_share, request.share_tolerance, "surface/deep",
                           f"about {request.deep_share:.0%} deep items"))
    for name, values in request.shares.items():
        for value, (lo, hi) in values.items():
            members = members_where([str(r.get(name)) == value for r in records])
            reqs.append(ShareBound(cid=f"{name} {value}", label=f"{lo:.0%}–{hi:.0%} of the items",
                                   members=members,
                                   lb=lo, ub=hi))
    reqs += _bank_rules(pool, records, request)
    return reqs


def _weighted_shares(records: Sequence[Mapping], request: TeacherRequest, kind: str,
                     weights: Mapping[str, str], key) -> list[Requirement]:
    chosen = {str(k): WEIGHTS[v] for k, v in weights.items() if WEIGHTS[v]}
    if len(chosen) < 2:
        return []
    total = sum(chosen.values())
    out: list[Requirement] = []
    for name, w in sorted(chosen.items()):
        members = members_where([str(key(r)) == name for r in records])
        label = f"weighted {weights[name]}: about {w / total:.0%} of the items"
        out.append(_share(members, w / total, request.share_tolerance, f"{kind} {name}", label))
    return out


def _bank_rules(pool: Pool, records: Sequence[Mapping], request: TeacherRequest
                ) -> list[Requirement]:
    """Enemies (enemy groups, and families of items written from one template), passages and
    recently seen items."""
    out: list[Requirement] = []
    for kind, label in (("enemy_group", "items that give each other away"),
                        ("family", "items written from one template give each other away")):
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(records):
            if r.get(kind):
                groups.setdefault(str(r[kind]), []).append(i)
        cid = "enemies" if kind == "enemy_group" else "family"
        out += [Enemies(cid=f"{cid} {g}", label=label, members=tuple(m))
                for g, m in sorted(groups.items()) if len(m) > 1]
    if pool.n_stimuli:
        lo, hi = request.passage_items
        out.append(PerStimulusBound(cid="passage size", label=f"{lo}–{hi} items per passage",
                                    stimuli=tuple(range(pool.n_stimuli)), lb=lo, ub=hi))
        if request.max_passages is not None:
            out.append(CountBound(cid="passages", label=f"at most {request.max_passages} "
                                  "passages", members=tuple(range(pool.n_stimuli)),
                                  ub=request.max_passages, level="stimulus"))
    seen = set(request.exclude)
    barred = members_where([r["code"] in seen for r in records])
    if barred:
        out.append(Exclude(cid="seen recently", label=f"{len(barred)} items", members=barred))
    return out
