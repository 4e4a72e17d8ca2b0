"""Plain-language descriptions of a requirement that had to be relaxed, and of the fix.

Given the form the elastic model chose (``x``, 0/1 per item), say what the requirement asked
for, what was achievable, and the smallest change that would let it hold — e.g.
"C7 (STANDARD == 3) needs at least 2 items but only 1 fits" / "lower C7's minimum from 2 to 1".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    PerStimulusBound,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
)


@dataclass(frozen=True)
class Fix:
    """A change to one requirement: lower its minimum, raise its maximum, or drop it."""

    cid: str
    name: str
    action: str  # "lower_minimum", "raise_maximum" or "drop"
    current: float | None
    suggested: float | None
    text: str

    def to_dict(self) -> dict:
        return {"constraint": self.cid, "name": self.name, "action": self.action,
                "current": self.current, "suggested": self.suggested, "text": self.text}


def _n(value: float) -> str:
    return f"{value:g}" if abs(value - round(value)) > 1e-6 else str(round(value))


def _bound_fix(req: Requirement, side: str, current: float, achieved: float,
               pct: bool = False) -> Fix:
    show = (lambda v: f"{v:.0%}") if pct else _n
    if side == "min":
        text = f"lower {req.cid}'s minimum from {show(current)} to {show(achieved)}"
        return Fix(req.cid, req.name, "lower_minimum", current, achieved, text)
    text = f"raise {req.cid}'s maximum from {show(current)} to {show(achieved)}"
    return Fix(req.cid, req.name, "raise_maximum", current, achieved, text)


def _chosen_stimuli(spec: Spec, chosen: np.ndarray) -> set[int]:
    return {int(s) for s in spec.pool.stimulus_of[chosen] if s >= 0}


def describe(spec: Spec, req: Requirement, x: np.ndarray) -> tuple[str, Fix]:
    """``(problem, fix)`` for requirement ``req`` given the elastic form ``x``."""
    chosen = np.flatnonzero(np.asarray(x) > 0.5)
    picked = set(chosen.tolist())
    if isinstance(req, CountBound):
        pool_set = _chosen_stimuli(spec, chosen) if req.level == "stimulus" else picked
        unit = "passages" if req.level == "stimulus" else "items"
        n = float(sum(1 for m in req.members if m in pool_set))
        return _bounded(req, req.lb, req.ub, n, unit)
    if isinstance(req, SumBound):
        total = float(sum(w for m, w in zip(req.members, req.weights, strict=True)
                          if m in picked))
        return _bounded(req, req.lb, req.ub, round(total, 6), req.unit or "in total")
    if isinstance(req, ShareBound):
        of = set(req.of) if req.of is not None else set(range(spec.pool.n_items))
        total = len(picked & of)
        share = len(picked & set(req.members)) / total if total else 0.0
        return _bounded(req, req.lb, req.ub, share, "", pct=True)
    if isinstance(req, PerStimulusBound):
        return _per_stimulus(spec, req, chosen, picked)
    return _set_rule(spec, req, picked, _chosen_stimuli(spec, chosen))


def _bounded(req: Requirement, lb: float | None, ub: float | None, achieved: float,
             unit: str, pct: bool = False) -> tuple[str, Fix]:
    show = (lambda v: f"{v:.0%}") if pct else _n
    if lb is not None and achieved < lb - 1e-9:
        need = f"a share of at least {show(lb)}" if pct else f"at least {show(lb)} {unit}"
        verb = "fits" if pct or achieved == 1 else "fit"
        problem = f"{req.name} needs {need} but only {show(achieved)} {verb}"
        return problem, _bound_fix(req, "min", lb, achieved, pct=pct)
    assert ub is not None
    allow = f"a share of at most {show(ub)}" if pct else f"at most {show(ub)} {unit}"
    verb = "is" if pct or achieved == 1 else "are"
    problem = f"{req.name} allows {allow} but {show(achieved)} {verb} needed"
    return problem, _bound_fix(req, "max", ub, achieved, pct=pct)


def _per_stimulus(spec: Spec, req: PerStimulusBound, chosen: np.ndarray,
                  picked: set[int]) -> tuple[str, Fix]:
    counts = [sum(1 for i in picked if int(spec.pool.stimulus_of[i]) == s)
              for s in sorted(_chosen_stimuli(spec, chosen) & set(req.stimuli))]
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    if req.lb is not None and low < req.lb:
        problem = (f"{req.name} needs at least {_n(req.lb)} items from each chosen passage "
                   f"but one can only have {low}")
        return problem, _bound_fix(req, "min", req.lb, low)
    ub = req.ub if req.ub is not None else high
    problem = (f"{req.name} allows at most {_n(ub)} items from each chosen passage but "
               f"{high} are needed from one")
    return problem, _bound_fix(req, "max", ub, high)


def _set_rule(spec: Spec, req: Requirement, picked: set[int],
              stimuli: set[int]) -> tuple[str, Fix]:
    members = list(getattr(req, "members", ()))
    level = getattr(req, "level", "item")
    ids = spec.pool.stimulus_ids if level == "stimulus" else spec.pool.item_ids
    chosen = [m for m in members if m in (stimuli if level == "stimulus" else picked)]
    if isinstance(req, Enemies):
        problem = f"{req.name} allows only one of {len(members)} enemies but {len(chosen)} " \
                  "are needed"
        return problem, Fix(req.cid, req.name, "drop", 1, len(chosen),
                            f"let {len(chosen)} of {req.cid}'s enemies appear together")
    if isinstance(req, Include):
        missing = [ids[m] for m in members if m not in chosen]
        verb = "it does" if len(missing) == 1 else "they do"
        problem = f"{req.name} requires {', '.join(missing)} but {verb} not fit"
        return problem, Fix(req.cid, req.name, "drop", len(members), len(chosen),
                            f"stop requiring {', '.join(missing)} ({req.cid})")
    if isinstance(req, Exclude):
        back = [ids[m] for m in chosen]
        shown = ", ".join(back[:5]) + (" …" if len(back) > 5 else "")
        problem = f"{req.name} bars {len(members)} items but {len(back)} of them are needed"
        return problem, Fix(req.cid, req.name, "drop", 0, len(back),
                            f"allow {len(back)} of {req.cid}'s barred items back ({shown})")
    if isinstance(req, AllOrNone):
        problem = f"{req.name} needs all or none of {len(members)} items but {len(chosen)} fit"
        return problem, Fix(req.cid, req.name, "drop", None, None,
                            f"drop the all-or-none rule {req.cid}")
    return f"{req.name} cannot be met", Fix(req.cid, req.name, "drop", None, None,
                                            f"drop {req.cid}")
