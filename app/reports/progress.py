"""Progress and impact ("know thy impact"): pre/post effect size and each student's progress.

Hattie's effect size ``d = (mean_post − mean_pre) / mean(sd_pre, sd_post)`` is read against
the 0.40 hinge, the typical effect of a year's schooling. Each student's gain is compared with
a year's expected growth from the norms, and an achievement × progress chart places them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from app.reports.data import Norms, StudentResult, TimeOfYear
from app.reports.individual import time_of_year
from app.ui import pdf
from app.ui.scale_charts import quadrant_scatter
from app.ui.templates import render

HINGE = 0.40
SMALL_GROUP = 10
CORNERS = ("Below the norm, progressing well", "Above the norm, progressing well",
           "Below the norm, less progress", "Above the norm, less progress")
"""Top-left, top-right, bottom-left, bottom-right of the achievement × progress chart."""


def effect_size(pre: Sequence[float], post: Sequence[float]) -> float | None:
    """Hattie's d with sample SDs (n − 1); None with fewer than two scores or no spread."""
    if len(pre) < 2 or len(post) < 2:
        return None
    spread = (statistics.stdev(pre) + statistics.stdev(post)) / 2
    return None if spread == 0 else (statistics.fmean(post) - statistics.fmean(pre)) / spread


@dataclass(frozen=True)
class StudentProgress:
    """One student's pre and post scores and what the gain means."""

    name: str
    year_level: int
    pre: float
    post: float
    gain: float
    gain_se: float
    expected: float | None
    """A year's expected growth from the norms (times the share of a year between tests)."""
    made_year: bool | None
    quadrant: str
    within_error: bool = False
    """The gain is within one SE of the expected growth: too close to call either way."""


@dataclass(frozen=True)
class ProgressView:
    """Everything the progress report shows, ready to render."""

    title: str
    n: int
    mean_pre: float | None
    mean_post: float | None
    sd_pre: float | None
    sd_post: float | None
    d: float | None
    hinge: float
    verdict: str
    caution: str | None
    years: float
    students: tuple[StudentProgress, ...]
    made_year: int
    chart: Markup | None
    unmatched: tuple[str, ...]

    @property
    def span(self) -> str:
        """The time between the tests in words."""
        return span_text(self.years)


def span_text(years: float) -> str:
    """Time between two tests in words: "a year", "about 8 months", "about 2.5 years"."""
    months = round(years * 12)
    if months == 12:
        return "a year"
    return f"about {months} months" if months < 24 else f"about {years:.1f} years"


def verdict(d: float | None, years: float) -> str:
    """The effect size in words, against the hinge (the figure itself is shown beside it)."""
    if d is None:
        return "Too few matched students (or no spread in scores) to compute an effect size."
    span = span_text(years)
    if d >= HINGE:
        return (f"Over {span}: at or above the {HINGE:.2f} hinge, the typical effect of a "
                "year's schooling.")
    if d > 0:
        return f"Over {span}: growth, but below the {HINGE:.2f} hinge."
    return f"Over {span}: no growth on average. Look at who did progress, and why."


def student_progress(pre: StudentResult, post: StudentResult, norms: Norms, *, years: float,
                     when: TimeOfYear) -> StudentProgress:
    """Gain (post − pre) with its SE, against a year's expected growth and the norm mean."""
    growth = norms.yearly_growth(post.year_level)
    expected = None if growth is None else growth * years
    gain = post.scale_score - pre.scale_score
    made = None if expected is None else gain >= expected
    norm = norms.get(post.year_level, when)
    above = "Above" if norm is None or post.scale_score >= norm.mean else "Below"
    good = made if made is not None else gain > 0
    quadrant = next(c for c in CORNERS if c.startswith(above)
                    and c.endswith("well") == good)
    return StudentProgress(name=post.name, year_level=post.year_level, pre=pre.scale_score,
                           post=post.scale_score, gain=gain,
                           gain_se=(pre.scale_se**2 + post.scale_se**2) ** 0.5,
                           expected=expected, made_year=made, quadrant=quadrant,
                           within_error=expected is not None and abs(gain - expected) < (
                               pre.scale_se**2 + post.scale_se**2) ** 0.5)


def build_progress(pre: list[StudentResult], post: list[StudentResult], norms: Norms, *,
                   title: str, years: float = 1.0,
                   when: TimeOfYear | None = None) -> ProgressView:
    """Match pre and post results by student; ``years`` is the time between them in years."""
    before = {r.student_id: r for r in pre}
    pairs = [(before[r.student_id], r) for r in post if r.student_id in before]
    matched = {b.student_id for b, _ in pairs}
    unmatched = tuple(sorted(r.name for r in [*pre, *post] if r.student_id not in matched))
    when = when or (time_of_year(post[0].sat_on) if post else "end")
    rows = sorted((student_progress(b, a, norms, years=years, when=when) for b, a in pairs),
                  key=lambda s: -s.gain)
    d = effect_size([b.scale_score for b, _ in pairs], [a.scale_score for _, a in pairs])
    two = len(rows) > 1
    return ProgressView(
        title=title, n=len(rows),
        mean_pre=statistics.fmean(s.pre for s in rows) if rows else None,
        mean_post=statistics.fmean(s.post for s in rows) if rows else None,
        sd_pre=statistics.stdev(s.pre for s in rows) if two else None,
        sd_post=statistics.stdev(s.post for s in rows) if two else None,
        d=d, hinge=HINGE, verdict=verdict(d, years),
        caution=(f"With fewer than {SMALL_GROUP} students one result moves d a lot: read it "
                 "beside each student's gain." if 0 < len(rows) < SMALL_GROUP else None),
        years=years, students=tuple(rows), made_year=sum(bool(s.made_year) for s in rows),
        chart=_chart(rows, norms, when, years), unmatched=unmatched)


def _chart(rows: list[StudentProgress], norms: Norms, when: TimeOfYear,
           years: float) -> Markup | None:
    if not rows:
        return None
    year = Counter(s.year_level for s in rows).most_common(1)[0][0]
    norm = norms.get(year, when)
    x_cut = norm.mean if norm else statistics.fmean(s.post for s in rows)
    growth = norms.yearly_growth(year)
    y_cut = growth * years if growth is not None else 0.0
    return Markup(quadrant_scatter(  # the chart escapes every text it holds
        [(s.post, s.gain, s.name) for s in rows], x_cut=x_cut, y_cut=y_cut,
        x_label="Achievement: post-test scale score", y_label="Progress (scale points)",
        corners=CORNERS, chart_id="progress", title="Achievement and progress",
        desc=f"Each student's post-test score against their gain. The vertical line is the "
             f"Year {year} norm mean ({x_cut:.0f}); the horizontal line is the expected "
             f"growth ({y_cut:.0f} points)."))


def render_progress_html(view: ProgressView, *, pdf_version: bool = False,
                         login: object = None) -> str:
    """The progress report as HTML (``pdf_version`` for the print layout; ``login`` shows the
    site's navigation on screen)."""
    return render("reports/progress.html", view=view, pdf=pdf_version, login=login)


def render_progress_pdf(view: ProgressView) -> bytes:
    """The progress report as an A4 PDF."""
    return pdf.render_pdf(render_progress_html(view, pdf_version=True))
