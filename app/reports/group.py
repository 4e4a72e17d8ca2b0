"""The class (group) report: distribution against norms, profile, levels, group pathway.

``build_class`` turns a class's :class:`~app.reports.data.StudentResult` list into a view model
that ``class.html`` renders as a page or a PDF.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from app.calibration.scale import Scale
from app.delivery.results import Flag
from app.reports.data import Norms, StudentResult, TimeOfYear
from app.reports.individual import norm_sentence, strip_range, time_of_year
from app.ui import pdf
from app.ui.scale_charts import profile_chart, scale_strip
from app.ui.templates import render

LEFT_OUT = frozenset({Flag.RAPID_GUESSING})
"""Results with these flags do not drive the class's what next (they are listed instead)."""
WHOLE_CLASS = 0.5
"""An objective at least this share of the class has yet to achieve is taught to everyone."""
SMALL_GROUP = 0.25
"""Below the whole-class share but at least this much: teach it to a group."""


@dataclass(frozen=True)
class PathwayLine:
    """An objective and the students who have yet to achieve it (Gaps or To be achieved)."""

    code: str
    text: str
    strand: str
    sublevel: str
    students: tuple[str, ...]
    met: int
    """How many students met an item on this objective."""
    achieved: tuple[str, ...] = ()
    """Students who met it and achieved it (named instead when they are the fewer)."""

    @property
    def share(self) -> float:
        """The share of students who met it and have yet to achieve it."""
        return len(self.students) / self.met if self.met else 0.0


@dataclass(frozen=True)
class LevelRow:
    """A curriculum sublevel and the students whose score is in it."""

    sublevel: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class ClassView:
    """Everything the class report shows, ready to render."""

    class_name: str
    test_name: str
    n: int
    year_level: int | None
    mean: float | None
    sd: float | None
    norm_text: str
    distribution_chart: Markup | None
    profile: tuple[tuple[str, float, float], ...]
    profile_chart: Markup | None
    levels: tuple[LevelRow, ...]
    pathway: tuple[PathwayLine, ...]
    whole_class: tuple[PathwayLine, ...]
    small_groups: tuple[PathwayLine, ...]
    flagged: tuple[tuple[str, str], ...]
    left_out: tuple[str, ...]
    """Students whose flagged results were left out of the class's what next."""
    below_norm: tuple[str, ...]
    scale_name: str
    typical_se: float | None = None
    """The median standard error of the students' scores."""
    years: tuple[int, ...] = ()
    """The year levels in the class; each student is compared with their own year's norms."""


def group_pathway(results: list[StudentResult]) -> list[PathwayLine]:
    """Objectives by the share of students yet to achieve them (largest share first)."""
    met: dict[str, set[str]] = {}
    yet: dict[str, set[str]] = {}
    about: dict[str, tuple[str, str, str]] = {}
    for r in results:
        for item in r.items:
            code = item.objective or "—"
            met.setdefault(code, set()).add(r.student_id)
            about[code] = (item.objective_text or "", r.strand_name(item.strand),
                           item.sublevel or "—")
            if not item.quadrant.correct:
                yet.setdefault(code, set()).add(r.student_id)
    names = {r.student_id: r.name for r in results}
    lines = [PathwayLine(code, *about[code],
                         students=tuple(sorted(names[s] for s in yet.get(code, set()))),
                         met=len(students),
                         achieved=tuple(sorted(names[s] for s in students
                                               - yet.get(code, set()))))
             for code, students in met.items()]
    return sorted(lines, key=lambda line: (-line.share, line.sublevel, line.code))


def class_profile(results: list[StudentResult]) -> list[tuple[str, float, float]]:
    """(part, mean of sub-score minus overall score, its standard error) over the class."""
    diffs: dict[str, list[tuple[float, float]]] = {}
    for r in results:
        parts = list(r.strands.items()) + [(f"{k.capitalize()} thinking", v)
                                           for k, v in sorted(r.depth.items(), reverse=True)]
        for label, (score, se) in parts:
            diffs.setdefault(label, []).append((score - r.scale_score, se))
    rows = []
    for label, values in diffs.items():
        d = [v for v, _ in values]
        # The spread of the differences over √n, but never less than measurement error alone
        # allows (a small class can agree by chance).
        spread = statistics.stdev(d) if len(d) > 1 else 0.0
        noise = statistics.fmean(se**2 for _, se in values) ** 0.5
        se = max(spread, noise) / len(d) ** 0.5
        rows.append((label, statistics.fmean(d), se))
    return rows


def level_rows(results: list[StudentResult], scale: Scale) -> list[LevelRow]:
    """Sublevels from the highest down, each with its students (sublevels with none left out)."""
    order = {name: k for k, (name, _, _) in enumerate(scale.bands())}
    by_level: dict[str, list[str]] = {}
    for r in sorted(results, key=lambda r: -r.scale_score):
        by_level.setdefault(r.sublevel, []).append(r.name)
    return [LevelRow(level, tuple(names)) for level, names in
            sorted(by_level.items(), key=lambda kv: -order.get(kv[0], -1))]


def norm_text(years: list[int], norms: Norms, when: TimeOfYear) -> str:
    """The norms the class is compared with, one sentence per year level."""
    if len(years) == 1:
        return norm_sentence(years[0], when, norms.get(years[0], when))
    return ("A mixed class: each student is compared with their own year's norms. "
            + " ".join(norm_sentence(y, when, norms.get(y, when)) for y in years))


def below_own_norm(results: list[StudentResult], norms: Norms, when: TimeOfYear
                   ) -> tuple[str, ...]:
    """Students more than one SD below the mean of their own year level's norm."""
    out = []
    for r in results:
        norm = norms.get(r.year_level, when)
        if norm is not None and r.scale_score < norm.mean - norm.sd:
            out.append(r.name)
    return tuple(out)


def build_class(results: list[StudentResult], scale: Scale, norms: Norms, *, class_name: str,
                when: TimeOfYear | None = None) -> ClassView:
    """The class report; an empty list gives the empty state. Results flagged for rapid
    guessing are shown but do not drive the group pathway."""
    if not results:
        return ClassView(class_name=class_name, test_name="", n=0, year_level=None, mean=None,
                         sd=None, norm_text="No results yet.", distribution_chart=None,
                         profile=(), profile_chart=None, levels=(), pathway=(),
                         whole_class=(), small_groups=(), flagged=(), left_out=(),
                         below_norm=(), scale_name=scale.name)
    years = sorted({r.year_level for r in results})
    year = Counter(r.year_level for r in results).most_common(1)[0][0]
    when = when or time_of_year(results[0].sat_on)
    scores = [r.scale_score for r in results]
    counted = [r for r in results if not LEFT_OUT & set(r.flags)]
    pathway = group_pathway(counted)
    profile = class_profile(results)
    bands = [(f"Year {y} norm", n.mean, n.sd) for y in years
             if (n := norms.get(y, when)) is not None]
    return ClassView(
        class_name=class_name, test_name=results[0].test_name, n=len(results), year_level=year,
        mean=statistics.fmean(scores), sd=statistics.stdev(scores) if len(scores) > 1 else None,
        norm_text=norm_text(years, norms, when),
        distribution_chart=Markup(scale_strip(  # the chart escapes every text it holds
            strip_range(scores, norms.get(year, when)), levels=scale.bands(), chart_id="dist",
            title="Class scale scores", desc=f"{len(scores)} students, one dot each. "
            + norm_text(years, norms, when), norms=bands,
            dots=[(r.scale_score, f"{r.name} (Year {r.year_level}): {r.scale_score:.0f}")
                  for r in results])),
        profile=tuple(profile), profile_chart=_profile_chart(profile),
        levels=tuple(level_rows(results, scale)), pathway=tuple(pathway),
        whole_class=tuple(p for p in pathway if p.share >= WHOLE_CLASS),
        small_groups=tuple(p for p in pathway if SMALL_GROUP <= p.share < WHOLE_CLASS),
        flagged=tuple((r.name, "; ".join(f.short for f in r.flags))
                      for r in results if r.flags),
        left_out=tuple(r.name for r in results if LEFT_OUT & set(r.flags)),
        below_norm=below_own_norm(results, norms, when),
        scale_name=scale.name, typical_se=statistics.median(r.scale_se for r in results),
        years=tuple(years))


def _profile_chart(rows: list[tuple[str, float, float]]) -> Markup | None:
    if not rows:
        return None
    return Markup(profile_chart(  # the chart escapes every text it holds
        rows, reference="class mean overall score", chart_id="class-profile",
        title="Class strand and surface/deep profile",
        desc="Class mean of each sub-score minus the overall score, with its 95% interval: "
             + "; ".join(f"{label} {d:+.0f}" for label, d, _ in rows)))


def render_class_html(view: ClassView, *, pdf_version: bool = False,
                      login: object = None, nav: Sequence[tuple[str | None, str]] = (),
                      pdf_href: str | None = None) -> str:
    """The class report as HTML (``pdf_version`` for the print layout; ``login`` shows the
    site's navigation on screen, ``nav`` and ``pdf_href`` the reports' own)."""
    return render("reports/class.html", view=view, pdf=pdf_version, login=login,
                  nav_links=list(nav), pdf_href=pdf_href)


def render_class_pdf(view: ClassView) -> bytes:
    """The class report as an A4 PDF."""
    return pdf.render_pdf(render_class_html(view, pdf_version=True))
