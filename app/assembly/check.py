"""An independent checker: does a form meet every requirement of its spec?

Deliberately written without the model builder: it counts chosen items with plain Python sets
and loops, straight from the requirement definitions in ``spec.py``, so a mistake in the integer
program shows up here as a failed check rather than being repeated.

A form is a sequence of item positions in presentation order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

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
    Value,
)

_TOL = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """One requirement checked: its name, whether it holds, and what was found."""

    cid: str
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class CheckReport:
    """All checks of one form."""

    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(r.ok for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        """The checks that failed."""
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        """One line: how many requirements were checked and whether all hold."""
        ids = {r.cid for r in self.results}
        if self.ok:
            return f"all {len(ids)} requirements met ({len(self.results)} checks)"
        bad = sorted({r.cid for r in self.failures})
        return f"{len(bad)} of {len(ids)} requirements NOT met: {', '.join(bad)}"


def check_form(spec: Spec, form: Sequence[int]) -> CheckReport:
    """Check ``form`` (item positions in presentation order) against every requirement."""
    everything = [int(i) for i in form]
    results = [_structure(spec, everything)]
    chosen = [i for i in everything if 0 <= i < spec.pool.n_items]  # the rest is reported above
    picked = set(chosen)
    stimuli = {int(spec.pool.stimulus_of[i]) for i in picked} - {-1}
    for req in spec.requirements:
        results.append(_check(spec, req, chosen, picked, stimuli))
    return CheckReport(tuple(results))


def _structure(spec: Spec, chosen: list[int]) -> CheckResult:
    problems = []
    if len(set(chosen)) != len(chosen):
        problems.append("an item appears twice")
    if any(i < 0 or i >= spec.pool.n_items for i in chosen):
        problems.append("an item is not in the pool")
    seen_done: set[int] = set()
    previous = -1
    for i in chosen:  # a passage's items must sit together
        s = int(spec.pool.stimulus_of[i]) if 0 <= i < spec.pool.n_items else -1
        if s != previous and s in seen_done:
            problems.append(f"passage {spec.pool.stimulus_ids[s]} is split")
            break
        if previous >= 0 and s != previous:
            seen_done.add(previous)
        previous = s
    detail = "; ".join(problems) or f"{len(chosen)} distinct items, passages kept together"
    return CheckResult("form", "form structure", not problems, detail)


def _within(value: float, lb: float | None, ub: float | None) -> bool:
    return (lb is None or value >= lb - _TOL) and (ub is None or value <= ub + _TOL)


def _range(lb: float | None, ub: float | None) -> str:
    if lb is not None and ub is not None:
        return f"{lb:g}" if lb == ub else f"{lb:g}–{ub:g}"
    return f"≥ {lb:g}" if lb is not None else f"≤ {ub:g}"


def _check(spec: Spec, req: Requirement, chosen: list[int], picked: set[int],
           stimuli: set[int]) -> CheckResult:
    ok, detail = _verdict(spec, req, chosen, picked, stimuli)
    return CheckResult(req.cid, req.name, ok, detail)


def _verdict(spec: Spec, req: Requirement, chosen: list[int], picked: set[int],
             stimuli: set[int]) -> tuple[bool, str]:
    if isinstance(req, CountBound):
        pool_set = stimuli if req.level == "stimulus" else picked
        n = sum(1 for m in req.members if m in pool_set)
        return _within(n, req.lb, req.ub), f"{n} chosen (needs {_range(req.lb, req.ub)})"
    if isinstance(req, ShareBound):
        of = set(req.of) if req.of is not None else set(range(spec.pool.n_items))
        total = len(picked & of)
        part = len(picked & set(req.members))
        share = part / total if total else 0.0
        return _within(share, req.lb, req.ub), (
            f"{part} of {total} = {share:.0%} (needs {_share_range(req.lb, req.ub)})")
    if isinstance(req, SumBound):
        amount = float(sum(w for m, w in zip(req.members, req.weights, strict=True)
                           if m in picked))
        return _within(amount, req.lb, req.ub), (
            f"total {amount:g} {req.unit} (needs {_range(req.lb, req.ub)})".replace("  ", " "))
    if isinstance(req, PerStimulusBound):
        return _per_stimulus(spec, req, picked, stimuli)
    if isinstance(req, OrderRule):
        return _order(spec, req, chosen)
    return _set_rule(req, picked, stimuli)


def _share_range(lb: float | None, ub: float | None) -> str:
    if lb is not None and ub is not None:
        return f"{lb:.0%}–{ub:.0%}"
    return f"≥ {lb:.0%}" if lb is not None else f"≤ {ub:.0%}"


def _per_stimulus(spec: Spec, req: PerStimulusBound, picked: set[int],
                  stimuli: set[int]) -> tuple[bool, str]:
    bad = []
    for s in sorted(stimuli & set(req.stimuli)):
        n = sum(1 for i in picked if int(spec.pool.stimulus_of[i]) == s)
        if not _within(n, req.lb, req.ub):
            bad.append(f"{spec.pool.stimulus_ids[s]} has {n}")
    need = _range(req.lb, req.ub)
    if bad:
        return False, f"{'; '.join(bad)} (each needs {need})"
    return True, f"{len(stimuli & set(req.stimuli))} passages, each with {need} items"


def _set_rule(req: Requirement, picked: set[int], stimuli: set[int]) -> tuple[bool, str]:
    members = getattr(req, "members", ())
    level = getattr(req, "level", "item")
    n = sum(1 for m in members if m in (stimuli if level == "stimulus" else picked))
    size = len(members)
    if isinstance(req, Enemies):
        return n <= 1, f"{n} of {size} enemies chosen (at most 1)"
    if isinstance(req, Include):
        return n == size, f"{n} of {size} required chosen"
    if isinstance(req, Exclude):
        return n == 0, f"{n} of {size} excluded chosen"
    if isinstance(req, AllOrNone):
        return n in (0, size), f"{n} of {size} chosen (all or none)"
    return False, f"unknown requirement type {type(req).__name__}"


def _key(value: Value) -> tuple[int, float, str]:
    if value is None:
        return (2, 0.0, "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _order(spec: Spec, req: OrderRule, chosen: list[int]) -> tuple[bool, str]:
    if req.level == "stimulus":
        sequence: list[int] = []
        for i in chosen:
            s = int(spec.pool.stimulus_of[i])
            if s >= 0 and s not in sequence:
                sequence.append(s)
    else:
        sequence = list(chosen)
    keys = [_key(req.keys[p]) for p in sequence]
    for a, b in itertools.pairwise(keys):
        if b < a:
            return False, "out of order"
    return True, f"{len(sequence)} {req.level}s in order"
