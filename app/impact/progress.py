"""Progress between two tests of one subject: d with its interval, against the growth the
norms expect for the time between the tests, and each student's gain against error.

The tests may be two assignments (a class, or a teacher's group within them) or two terms'
results of a year level (a leader's cohort). Students count when they sat both; each is
compared with the norms for their own year level on the dates they sat.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.calibration.norms import NormTable
from app.errors import InvalidInput
from app.impact import stats
from app.impact.results import ResultRow, latest_by_student

QUADRANTS = ("Below their norm, more progress than expected",
             "Above their norm, more progress than expected",
             "Below their norm, less progress than expected",
             "Above their norm, less progress than expected")
"""Top-left, top-right, bottom-left, bottom-right of the achievement × progress chart."""


class ProgressRefused(InvalidInput):
    """Two tests that cannot be compared (different subjects, the wrong way round, …)."""


@dataclass(frozen=True)
class StudentProgress:
    """One student's gain and where they stand against their own year's norm."""

    student_id: int
    name: str
    year_level: int
    """Year level at the later test."""
    pre: ResultRow
    post: ResultRow
    gain: stats.Gain
    achievement: float | None
    """Later score minus the norm mean for their own year level then (None without norms)."""
    achievement_side: Literal["above", "below", "within error"] | None
    norm_mean: float | None
    quadrant: str | None

    @property
    def progress(self) -> float | None:
        """Gain minus the growth expected for them."""
        return self.gain.beyond_expected


@dataclass(frozen=True)
class Progress:
    """Everything a progress report, its API and the console show."""

    title: str
    subject: str
    n: int
    effect: stats.EffectSize | None
    weeks: float
    expected_growth: float | None
    """Mean growth the norms expect of these students over their time between tests."""
    expected_d: float | None
    expected_d_basis: str
    students: tuple[StudentProgress, ...]
    unmatched: tuple[str, ...]
    norms_label: str
    norms_illustrative: bool

    @property
    def hinge(self) -> float:
        return stats.HINGE

    @property
    def counts(self) -> Counter[str]:
        """How many students made more, as much as or less than expected growth."""
        return Counter(s.gain.verdict for s in self.students)

    @property
    def verdict(self) -> str:
        return verdict(self)


def compare(pre: Iterable[ResultRow], post: Iterable[ResultRow], norms: NormTable | None, *,
            title: str, subject: str) -> Progress:
    """Pair each student's earlier and later result and measure the progress."""
    before, after = latest_by_student(pre), latest_by_student(post)
    both = [sid for sid in after if sid in before]
    unmatched = tuple(sorted({r.name for sid, r in [*before.items(), *after.items()]
                              if sid not in both}))
    rows = sorted((_student(before[sid], after[sid], norms) for sid in both),
                  key=lambda s: (-(s.progress if s.progress is not None else s.gain.gain),
                                 s.name))
    effect = stats.effect_size([s.pre.scale_score for s in rows],
                               [s.post.scale_score for s in rows])
    weeks = (statistics.median((s.post.sat_on - s.pre.sat_on).days for s in rows) / 7
             if rows else 0.0)
    expected = [s.gain.expected for s in rows if s.gain.expected is not None]
    exp_d, basis = _expected_d(rows, norms, weeks)
    return Progress(
        title=title, subject=subject, n=len(rows), effect=effect, weeks=weeks,
        expected_growth=statistics.fmean(expected) if expected else None,
        expected_d=exp_d, expected_d_basis=basis, students=tuple(rows), unmatched=unmatched,
        norms_label=norms.label if norms else "No norms: this subject has no reporting scale.",
        norms_illustrative=bool(norms and norms.illustrative))


def _student(pre: ResultRow, post: ResultRow, norms: NormTable | None) -> StudentProgress:
    first, second = (pre.year_level, pre.sat_on), (post.year_level, post.sat_on)
    expected = norms.growth(first, second) if norms else None
    gain = stats.gain(pre.scale_score, pre.se, post.scale_score, post.se, expected)
    norm = norms.at(*second) if norms else None
    achievement = None if norm is None else post.scale_score - norm.mean
    side = None if achievement is None else stats.side(achievement, post.se)
    quadrant = None
    if achievement is not None and gain.beyond_expected is not None:
        top = gain.beyond_expected >= 0
        quadrant = QUADRANTS[(0 if top else 2) + (1 if achievement >= 0 else 0)]
    return StudentProgress(student_id=post.student_id, name=post.name,
                           year_level=post.year_level, pre=pre, post=post, gain=gain,
                           achievement=achievement, achievement_side=side,
                           norm_mean=None if norm is None else norm.mean, quadrant=quadrant)


def _expected_d(rows: list[StudentProgress], norms: NormTable | None,
                weeks: float) -> tuple[float | None, str]:
    growths, sd_pre, sd_post = [], [], []
    for s in rows:
        a = norms.at(s.pre.year_level, s.pre.sat_on) if norms else None
        b = norms.at(s.post.year_level, s.post.sat_on) if norms else None
        if a is not None and b is not None:
            growths.append(b.mean - a.mean)
            sd_pre.append(a.sd)
            sd_post.append(b.sd)
    if growths:
        return (stats.expected_d(growths, sd_pre, sd_post),
                "the norms' growth for these students over this time, in the norms' SDs")
    if not rows:
        return None, "no students sat both tests"
    return (stats.pro_rata_hinge(weeks),
            f"the {stats.HINGE:.2f} hinge pro rata (there are no norms for these year levels)")


def span(weeks: float) -> str:
    """Time between tests in words."""
    if weeks < 10:
        return f"{weeks:.0f} weeks"
    months = weeks * 7 / 30.44
    return f"{weeks:.0f} weeks (about {months:.0f} months)" if months < 23 else (
        f"{weeks:.0f} weeks (about {months / 12:.1f} years)")


def verdict(p: Progress) -> str:
    """The effect in words, always beside its interval and the expected d."""
    e = p.effect
    if e is None:
        return ("Too few students sat both tests (at least three are needed), or their scores "
                "do not vary, so there is no effect size.")
    ci = f"d = {e.d:.2f} (95% interval {e.low:.2f} to {e.high:.2f})"
    if p.expected_d is None:
        return f"{ci} over {span(p.weeks)}."
    where = e.compared_with(p.expected_d)
    words = {"above": "more progress than expected: the whole interval lies above the "
                      f"expected {p.expected_d:.2f}",
             "below": "less progress than expected: the whole interval lies below the "
                      f"expected {p.expected_d:.2f}",
             "within": f"the interval includes the expected {p.expected_d:.2f}, so this is "
                       "not clearly more or less than expected growth"}[where]
    return f"{ci} over {span(p.weeks)}: {words}."
