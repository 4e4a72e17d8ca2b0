"""The Individual Learning Pathway: what a student's result means and what to teach next.

``build_individual`` turns a :class:`~app.reports.data.StudentResult` into a view model that
the template ``individual.html`` renders as a page or (``pdf=True``) as a printable PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from app.calibration.scale import Scale
from app.reports.data import NormCell, Norms, StudentResult, TimeOfYear
from app.reports.pathway import QuadrantView, WhatNext, quadrant_views, what_next
from app.ui import pdf
from app.ui.scale_charts import nice_range, profile_chart, scale_strip
from app.ui.templates import render

STAGE = {"B": "Basic", "P": "Proficient", "A": "Advanced"}
@dataclass(frozen=True)
class ProfileRow:
    """A sub-score (strand or depth) beside the overall score."""

    label: str
    score: float
    se: float
    difference: float
    sublevel: str


@dataclass(frozen=True)
class IndividualView:
    """Everything the Individual Learning Pathway shows, ready to render."""

    name: str
    year_level: int
    test_name: str
    sat_on: date
    scale_score: float
    scale_se: float
    sublevel: str
    level_text: str
    norm_text: str
    flags: tuple[str, ...]
    score_chart: Markup
    profile: tuple[ProfileRow, ...]
    profile_chart: Markup | None
    attitude_text: str | None
    quadrants: tuple[QuadrantView, ...]
    what_next: WhatNext
    items_right: int
    items_total: int
    items_partial: int
    scale_name: str


def level_text(sublevel: str) -> str:
    """"3P" → "Level 3 Proficient (3P)"; anything else is returned as it is."""
    if len(sublevel) == 2 and sublevel[0].isdigit() and sublevel[1] in STAGE:
        return f"Level {sublevel[0]} {STAGE[sublevel[1]]} ({sublevel})"
    return sublevel


def time_of_year(sat_on: date) -> TimeOfYear:
    """NZ school years run February–December: the first half compares with start-of-year norms."""
    return "start" if sat_on.month <= 6 else "end"


def norm_sentence(year_level: int, when: TimeOfYear, norm: NormCell | None) -> str:
    """The norm in words, or why there is none."""
    if norm is None:
        return f"There are no norms for Year {year_level} yet."
    return (f"Year {year_level} students at the {when} of the year average {norm.mean:.0f}; "
            f"two in three score between {norm.mean - norm.sd:.0f} and "
            f"{norm.mean + norm.sd:.0f}.")


def strip_range(values: list[float], norm: NormCell | None) -> tuple[float, float]:
    """A scale window that shows every value, the norm band and a little sublevel context."""
    lows, highs = list(values), list(values)
    if norm is not None:
        lows.append(norm.mean - 1.4 * norm.sd)
        highs.append(norm.mean + 1.4 * norm.sd)
    start, end, _ = nice_range(min(lows) - 25, max(highs) + 25, steps=8)
    return start, end


def attitude_sentence(attitude: float | None) -> str | None:
    """Mean attitude (0–3) in words."""
    if attitude is None:
        return None
    word = ("mostly positive" if attitude >= 2 else "mixed" if attitude >= 1
            else "mostly negative")
    return f"{attitude:.1f} out of 3: {word} about this subject."


def profile_rows(result: StudentResult, scale: Scale) -> list[ProfileRow]:
    """Strand then surface/deep sub-scores, each relative to the overall score."""
    subs = list(result.strands.items()) + [
        (f"{name.capitalize()} thinking", v) for name, v in sorted(result.depth.items(),
                                                                   reverse=True)]
    return [ProfileRow(label=label, score=s, se=se, difference=s - result.scale_score,
                       sublevel=scale.sublevel(s)) for label, (s, se) in subs]


def build_individual(result: StudentResult, scale: Scale, norms: Norms, *,
                     when: TimeOfYear | None = None) -> IndividualView:
    """The Individual Learning Pathway for one result (``when`` defaults from the date)."""
    when = when or time_of_year(result.sat_on)
    norm = norms.get(result.year_level, when)
    quadrants = quadrant_views(result, scale)
    rows = profile_rows(result, scale)
    return IndividualView(
        name=result.name, year_level=result.year_level, test_name=result.test_name,
        sat_on=result.sat_on, scale_score=result.scale_score, scale_se=result.scale_se,
        sublevel=result.sublevel, level_text=level_text(result.sublevel),
        norm_text=norm_sentence(result.year_level, when, norm),
        flags=tuple(f.meaning for f in result.flags),
        score_chart=_score_chart(result, scale, norm, when), profile=tuple(rows),
        profile_chart=_profile_chart(result, rows), attitude_text=attitude_sentence(
            result.attitude), quadrants=quadrants,
        what_next=what_next(result, scale, quadrants),
        items_right=result.scored.items_right, items_total=len(result.items),
        items_partial=result.scored.items_partial, scale_name=scale.name)


def _score_chart(result: StudentResult, scale: Scale, norm: NormCell | None,
                 when: TimeOfYear) -> Markup:
    score, se = result.scale_score, result.scale_se
    label = f"{result.name}: {score:.0f} ± {se:.0f} ({result.sublevel})"
    norm_band = (f"Year {result.year_level} norm", norm.mean, norm.sd) if norm else None
    svg = scale_strip(strip_range([score - 2 * se, score + 2 * se], norm),
                      levels=scale.bands(), chart_id="score", title="Scale score",
                      desc=f"{label}. The shaded band is ± one standard error. "
                           + norm_sentence(result.year_level, when, norm),
                      norm=norm_band, score=(score, se, label))
    return Markup(svg)  # the chart escapes every text it holds


def _profile_chart(result: StudentResult, rows: list[ProfileRow]) -> Markup | None:
    if not rows:
        return None
    svg = profile_chart([(r.label, r.difference, r.se) for r in rows],
                        reference=f"overall score {result.scale_score:.0f}",
                        chart_id="profile", title="Strand and surface/deep profile",
                        desc="Each sub-score minus the overall score, with its 95% interval "
                             "(± 1.96 standard errors); " + "; ".join(
                                 f"{r.label} {r.difference:+.0f}" for r in rows))
    return Markup(svg)  # the chart escapes every text it holds


def render_individual_html(view: IndividualView, *, pdf_version: bool = False,
                           login: object = None, nav: Sequence[tuple[str | None, str]] = (),
                           pdf_href: str | None = None) -> str:
    """The Individual Learning Pathway as HTML (``pdf_version`` for the print layout;
    ``login`` shows the site's navigation on screen, ``nav`` and ``pdf_href`` the reports')."""
    return render("reports/individual.html", view=view, pdf=pdf_version, login=login,
                  nav_links=list(nav), pdf_href=pdf_href)


def render_individual_pdf(view: IndividualView) -> bytes:
    """The Individual Learning Pathway as an A4 PDF."""
    return pdf.render_pdf(render_individual_html(view, pdf_version=True))
