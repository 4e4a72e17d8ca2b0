"""What a teacher should know before accepting a form: where it differs from the request, and
whether the class can do it.

Every comparison is in the wizard's terms (minutes, percentages of the items, level and strand
names). A *difference* says what was asked and what the test has; a *warning* says the request
does not suit the class as the teacher described it (expected score far from half marks, the
class's level outside the levels chosen, a large measurement error).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from app.assembly.request import WEIGHTS, RequestSpec, TeacherRequest, expected_items, level_of

SHARE_SLACK = 0.05
"""A share within five percentage points of the one asked for is as asked."""
TOO_HARD, TOO_EASY = 0.25, 0.85
"""Expected share of the marks below which the test is too hard for the class, above which
it is too easy (e-asTTle targets about half right)."""
WIDE_SE = 0.6
"""Measurement error (logits) at the class's level above which the test measures it poorly."""


@dataclass(frozen=True)
class Comparison:
    """Differences between request and form, and warnings about the class."""

    differences: list[str]
    warnings: list[str]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _allowed(tolerance: float) -> str:
    return (f"within the {100 * tolerance:.0f} points either way the builder allows so the "
            "test can measure the class well")


def _weighted(weights: Mapping[str, str], counts: Counter, n: int,
              name: Callable[[str], str], tolerance: float) -> list[str]:
    chosen = {k: WEIGHTS[v] for k, v in weights.items() if WEIGHTS.get(v, 0)}
    total = sum(chosen.values())
    out = []
    for key, w in sorted(chosen.items()):
        asked, got = w / total, counts.get(key, 0) / n
        if abs(got - asked) > SHARE_SLACK + 1e-9 and (len(chosen) > 1 or got == 0):
            out.append(f"{name(key)} ({weights[key]}): you asked for about {_pct(asked)} of the "
                       f"items; this test has {_pct(got)} ({counts.get(key, 0)} of {n}), "
                       f"{_allowed(tolerance)}.")
    return out


def compare(request_spec: RequestSpec, items: Sequence[int], *, total_time_s: float,
            expected_score: float, max_score: float, se_theta: float,
            se_points: float | None = None) -> Comparison:
    """Differences and warnings for the form ``items`` built from ``request_spec``."""
    request = request_spec.request
    if request is None or not items:
        return Comparison([], [])
    records = [request_spec.records[i] for i in items]
    n = len(records)
    diffs = _length(request, request_spec, n, total_time_s)
    tol = request.share_tolerance
    diffs += _weighted(request.levels, Counter(level_of(r) for r in records), n,
                       lambda k: f"Level {k}", tol)
    diffs += _weighted(request.strands, Counter(str(r["strand"]) for r in records), n,
                       request.strand_name, tol)
    if request.deep_share is not None:
        deep = sum(r.get("depth") == "deep" for r in records)
        if abs(deep / n - request.deep_share) > SHARE_SLACK + 1e-9:
            diffs.append(f"Deep items: you asked for {_pct(request.deep_share)}; this test has "
                         f"{_pct(deep / n)} ({deep} of {n}), {_allowed(tol)}.")
    return Comparison(diffs, _warnings(request_spec, records, expected_score, max_score,
                                       se_theta, se_points))


def _length(request: TeacherRequest, request_spec: RequestSpec, n: int,
            total_time_s: float) -> list[str]:
    minutes = total_time_s / 60
    if request.item_count is not None:
        return [] if n == request.item_count else [
            f"You asked for {request.item_count} items; this test has {n}."]
    asked = float(request.duration_minutes or 0)
    estimate = expected_items(request_spec.records, request)
    out = [f"Time: {asked:g} minutes asked for; these {n} items take about {minutes:.0f} "
           f"minutes at typical answering times (about {estimate} items were expected)."]
    return out if abs(minutes - asked) >= 3 or n != estimate else []


def _warnings(request_spec: RequestSpec, records: Sequence[Mapping], expected_score: float,
              max_score: float, se_theta: float, se_points: float | None) -> list[str]:
    level = request_spec.class_level
    text = level.text.strip()
    share = expected_score / max_score if max_score else 0.0
    out = []
    levels = sorted({level_of(r) for r in records})
    expected_levels = {level_of({"sublevel": s}) for s in level.sublevels}
    outside = expected_levels and not expected_levels & set(levels)
    where = ("; the class's level (" + text + ") is not among the levels chosen ("
             + ", ".join(f"Level {k}" for k in levels) + ")") if outside else ""
    score = f"about {expected_score:.1f} of {max_score:.0f} marks ({_pct(share)})"
    if share < TOO_HARD:
        out.append(f"Too hard for this class: a class at {text} would score {score}{where}. "
                   "Choose levels nearer the class's, or check how the class will find it.")
    elif share > TOO_EASY:
        out.append(f"Too easy for this class: a class at {text} would score {score}{where}. "
                   "Choose harder levels, or check how the class will find it.")
    elif outside:
        out.append(f"Check the levels: the class's level ({text}) is not among the levels "
                   "chosen; the expected score is " + score + ".")
    if se_theta > WIDE_SE:
        error = f"± {se_points:.0f} scale points" if se_points else f"± {se_theta:.2f} logits"
        out.append(f"Little precision at the class's level: scores there carry an error of "
                   f"{error}. A longer test, or levels nearer the class's, measures it better.")
    return out
