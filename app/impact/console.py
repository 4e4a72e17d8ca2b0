"""The leader's console: a school's results at one time of year, by year level, class, gender,
ethnicity and language, against each student's own norm and the curriculum expectation; cohort
progress; earlier years; targets. Groups under five students are suppressed.

Everything here is arithmetic on :class:`~app.impact.results.ResultRow`s (the page and the
API load them); each student counts once per occasion, with their latest result in the term.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.calibration.norms import NormTable, expected_sublevel
from app.impact import stats
from app.impact.progress import Progress, compare
from app.impact.results import ResultRow, ScaleInfo

BREAKDOWNS: dict[str, Callable[[ResultRow], str | None]] = {
    "Year level": lambda r: f"Year {r.year_level}",
    "Class": lambda r: r.class_name,
    "Gender": lambda r: {"F": "Female", "M": "Male"}.get(r.gender or "", r.gender),
    "Ethnicity": lambda r: r.ethnicity,
    "Language": lambda r: r.language,
}
"""How the console groups students (fields imported with the class lists)."""


@dataclass(frozen=True)
class Standing:
    """One student's result beside their own norm and the curriculum expectation."""

    row: ResultRow
    norm_mean: float | None
    norm_sd: float | None
    expected: str
    at_expected: bool | None


@dataclass(frozen=True)
class GroupSummary:
    """A group's results at one occasion (``suppressed``: fewer than five, nothing shown)."""

    label: str
    n: int
    suppressed: bool
    mean: float | None = None
    sd: float | None = None
    quartiles: tuple[float, float, float] | None = None
    vs_norm: float | None = None
    """Mean of (score − own norm mean)."""
    vs_norm_se: float | None = None
    at_expected: stats.Share | None = None
    progress: Progress | None = None
    key: str = ""

    @property
    def vs_norm_side(self) -> str | None:
        if self.vs_norm is None or self.vs_norm_se is None:
            return None
        return stats.side(self.vs_norm, self.vs_norm_se)


def standings(rows: Iterable[ResultRow], norms: NormTable | None,
              scale: ScaleInfo | None) -> list[Standing]:
    """Each row beside the student's own norm and expectation then."""
    out = []
    for r in rows:
        norm = norms.at(r.year_level, r.sat_on) if norms else None
        code = expected_sublevel(r.year_level, r.sat_on)
        start = scale.cut(code) if scale else None
        out.append(Standing(r, norm.mean if norm else None, norm.sd if norm else None, code,
                            None if start is None else r.scale_score >= start))
    return out


def summarise(label: str, members: Sequence[Standing], *, progress: Progress | None = None,
              minimum: int = stats.MIN_GROUP, key: str = "") -> GroupSummary:
    """A group's numbers, or only its size (suppressed) when it is under ``minimum``."""
    n = len(members)
    if n < minimum:
        return GroupSummary(label=label, n=n, suppressed=True, key=key)
    scores = np.array([m.row.scale_score for m in members])
    diffs = [m.row.scale_score - m.norm_mean for m in members if m.norm_mean is not None]
    judged = [m.at_expected for m in members if m.at_expected is not None]
    q1, q2, q3 = (float(v) for v in np.percentile(scores, [25, 50, 75]))
    diff_sd = float(np.std(diffs, ddof=1)) if len(diffs) > 1 else None
    return GroupSummary(
        label=label, n=n, suppressed=False, mean=float(scores.mean()),
        sd=float(scores.std(ddof=1)) if n > 1 else None, quartiles=(q1, q2, q3),
        vs_norm=float(np.mean(diffs)) if diffs else None,
        vs_norm_se=diff_sd / math.sqrt(len(diffs)) if diff_sd is not None else None,
        at_expected=stats.share(sum(judged), len(judged)) if judged else None,
        progress=progress, key=key)


def breakdown(items: Sequence[Standing], by: Callable[[ResultRow], str | None], *,
              progress_of: Callable[[set[int]], Progress | None] | None = None,
              minimum: int = stats.MIN_GROUP) -> list[GroupSummary]:
    """One summary per group; a group is hidden when under ``minimum`` and, if it is the only
    one hidden, so is the next smallest (so it cannot be found from the total)."""
    groups: dict[str, list[Standing]] = {}
    for s in items:
        groups.setdefault(by(s.row) or "Not recorded", []).append(s)
    hidden = stats.suppressed({k: len(v) for k, v in groups.items()}, minimum=minimum)
    out = []
    for label in sorted(groups, key=_natural):
        members = groups[label]
        if label in hidden:
            out.append(GroupSummary(label=label, n=len(members), suppressed=True))
            continue
        ids = {m.row.student_id for m in members}
        out.append(summarise(label, members, minimum=minimum,
                             progress=progress_of(ids) if progress_of else None))
    return out


def _natural(label: str) -> tuple[int, str]:
    """Year 5 before Year 10; "Not recorded" last."""
    digits = "".join(ch for ch in label if ch.isdigit())
    return (2 if label == "Not recorded" else 0, f"{int(digits):04d}" if digits else label)


def cohort_progress(pre: Sequence[ResultRow], post: Sequence[ResultRow], norms: NormTable | None,
                    *, students: set[int], title: str, subject: str) -> Progress | None:
    """Progress of ``students`` from ``pre`` to ``post`` results (None with fewer than five
    pairs: a group that small is not reported)."""
    chosen_post = [r for r in post if r.student_id in students]
    chosen_pre = [r for r in pre if r.student_id in students]
    paired = {r.student_id for r in chosen_pre} & {r.student_id for r in chosen_post}
    if len(paired) < stats.MIN_GROUP:
        return None
    return compare(chosen_pre, chosen_post, norms, title=title, subject=subject)
