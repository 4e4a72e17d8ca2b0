"""An impossible request explained in the wizard's words and units.

:mod:`~app.assembly.explain` finds which requirements conflict and by how much each would have
to give (:class:`~app.assembly.phrasing.Fix`, in the model's units: seconds, shares, item
counts, requirement IDs). This module says the same to a teacher: minutes (whole ones, as the
wizard takes them), percentages of the items, level and strand names, the weights
none/some/most, and what to change in the wizard.
"""

from __future__ import annotations

import math

from app.assembly.explain import Conflict, Explanation
from app.assembly.phrasing import Fix
from app.assembly.request import WEIGHTS, TeacherRequest

MIN_MINUTES, MAX_MINUTES = 8, 120
"""The wizard's range of times."""


def _pct(share: float | None) -> str:
    return f"{100 * (share or 0):.0f}%"


def _pcts(a: float | None, b: float | None) -> tuple[str, str]:
    """Two shares as percentages, with a decimal when whole ones would look the same."""
    if _pct(a) != _pct(b):
        return _pct(a), _pct(b)
    return f"{100 * (a or 0):.1f}%", f"{100 * (b or 0):.1f}%"


def _minutes(seconds: float | None, *, up: bool) -> int:
    m = (seconds or 0) / 60
    whole = math.ceil(m - 1e-9) if up else math.floor(m + 1e-9)
    return max(MIN_MINUTES, min(MAX_MINUTES, whole))


def _other_weights(current: str | None, more: bool) -> str:
    """The weights that give a level or strand more (or less) of the test than ``current``."""
    rank = WEIGHTS.get(current or "none", 0)
    names = [w for w, r in WEIGHTS.items() if (r > rank if more else r < rank)]
    return " or ".join(names)


def describe_fix(fix: Fix, request: TeacherRequest) -> tuple[str, str]:
    """``(what cannot be, what to change)`` for one requirement that has to give."""
    cid, more = fix.cid, fix.action == "raise_maximum"
    if cid == "time":
        asked = float(request.duration_minutes or 0)
        if more:
            need = _minutes(fix.suggested, up=True)
            return (f"the questions this request needs take about {need} minutes, more than "
                    f"the {asked:g} minutes available", f"allow {need} minutes")
        fits = (fix.suggested or 0) / max(request.time_fill, 1e-9)
        shorter = _minutes(fits, up=False)
        return (f"the bank's questions that fit the rest of the request fill only about "
                f"{(fix.suggested or 0) / 60:.0f} of the {asked:g} minutes (a test should fill "
                f"at least {_pct(request.time_fill)} of its time)",
                f"choose {shorter} minutes, or more levels or strands")
    if cid in ("items", "path length"):  # an adaptive test's path: the questions a student sees
        count = fix.current if fix.current is not None else request.item_count
        what = f"{count:g} questions" if count is not None else "that many questions"
        return f"{what} cannot be found", f"ask for {fix.suggested:g} questions"
    for kind in ("level", "strand"):
        if cid.startswith(f"{kind} "):
            key = cid.removeprefix(f"{kind} ")
            weights = request.levels if kind == "level" else request.strands
            name = f"Level {key}" if kind == "level" else request.strand_name(key)
            weight = weights.get(key)
            bound = "at most" if more else "at least"
            wanted, possible = _pcts(fix.current, fix.suggested)
            problem = (f"{name} ({weight}) should be {bound} {wanted} of the "
                       f"questions, but {possible} is the "
                       f"{'fewest' if more else 'most'} possible with the rest of the request")
            other = _other_weights(weight, more)
            return problem, (f"weight {name} {other}" if other else
                             f"choose more {kind}s, or a longer test")
    if cid.startswith("report "):
        name = request.strand_name(cid.removeprefix("report "))
        return (f"{name} needs at least {fix.current:g} of its questions to be reported, but "
                f"only {fix.suggested:g} fit", f"weight {name} most, or make the test longer")
    if cid == "surface/deep":
        bound = "at most" if more else "at least"
        return (f"you asked for about {_pct(request.deep_share)} deep questions ({bound} "
                f"{_pct(fix.current)}), but {_pct(fix.suggested)} is the "
                f"{'fewest' if more else 'most'} the bank allows at these levels and strands",
                f"set deep questions to about {_pct(fix.suggested)}")
    if cid == "seen recently":
        return ("the class has seen some of the questions needed in the last 12 months "
                f"({fix.suggested:g} of them would be needed again)",
                "choose other levels or strands, or build it for any class")
    if cid.startswith(("enemies ", "family ")):
        return ("too few of the questions that fit are independent of each other (questions "
                "written from one template give each other away)",
                "choose more levels or strands, or a shorter test")
    if cid == "passage size":
        return ("reading passages come with their questions in sets, and the sets that fit "
                "do not fill the test", "change the time or the strands")
    if cid == "passages":
        return (f"the test may hold at most {fix.current:g} passages, but {fix.suggested:g} "
                "are needed", "make the test shorter")
    return fix.name, fix.text


def _conflict_lines(conflict: Conflict, request: TeacherRequest) -> str:
    """The problem, its own fix, and the first other way (keep it as asked, change others)."""
    problem, advice = describe_fix(conflict.fix, request)
    options = [advice]
    if conflict.alternatives:
        changes = list(dict.fromkeys(describe_fix(f, request)[1]
                                     for f in conflict.alternatives[0].changes))
        options.append("keep that as asked and " + ", and ".join(changes))
    return f"{problem[0].upper()}{problem[1:]}. Try: {'; or '.join(options)}."


def teacher_lines(explanation: Explanation, request: TeacherRequest | None) -> list[str]:
    """The explanation as sentences for the wizard: what cannot be, and what to change."""
    if request is None:
        return explanation.lines()
    if not explanation.relaxation and not explanation.conflicts:
        return ["No test can be built as asked: choose more levels or strands, or a "
                "different time."]
    # the teacher's own choices first; rules of the bank (items that give each other away)
    # once, however many of them are involved
    conflicts = sorted(explanation.conflicts, key=lambda c: _bank_rule(c.cid))
    seen_rule = False
    out: list[str] = []
    for conflict in conflicts:
        if _bank_rule(conflict.cid):
            if seen_rule:
                continue
            seen_rule = True
        out.append(_conflict_lines(conflict, request))
    explained = {c.cid for c in explanation.conflicts}
    for fix in explanation.relaxation:
        if _bank_rule(fix.cid) and seen_rule:
            continue
        seen_rule = seen_rule or _bank_rule(fix.cid)
        if fix.cid not in explained:
            problem, advice = describe_fix(fix, request)
            out.append(f"{problem[0].upper()}{problem[1:]}. Try: {advice}.")
    if len(explanation.relaxation) > 1:
        both = list(dict.fromkeys(describe_fix(f, request)[1] for f in explanation.relaxation))
        out.append(f"All of these together certainly work: {' and '.join(both)}.")
    return list(dict.fromkeys(out))


def _bank_rule(cid: str) -> bool:
    return cid.startswith(("enemies ", "family "))
