"""What the impact pages show: records, progress and the console with their charts, ready to
render (the routes in :mod:`app.impact.pages` stay thin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.calibration.norms import NormTable, expected_sublevel
from app.delivery.models import Assignment, Sitting
from app.impact import charts, console, scope, stats
from app.impact.progress import QUADRANTS, Progress, span
from app.impact.record import StudentRecord, SubjectRecord, year_level_on
from app.impact.school import ConsoleView
from app.itembank.models import Subject
from app.people.dependencies import Caller
from app.people.models import ClassGroup


@dataclass(frozen=True)
class TestChoice:
    """A scored test the caller may choose for progress."""

    assignment_id: int
    name: str
    class_id: int
    class_name: str
    subject: str
    given_on: date
    scored: int

    def label(self, with_class: bool = True) -> str:
        where = f" · {self.class_name}" if with_class else ""
        return f"{self.name}{where} · {self.given_on:%-d %b %Y} · {self.scored} scored"


def test_choices(session: Session, *, caller: Caller, class_id: int | None = None
                 ) -> list[TestChoice]:
    """Tests with scored results the caller may read (of one class, if given), newest first."""
    query = (select(Assignment, Form.name, ClassGroup.name, Subject.code, func.count(Sitting.id))
             .join(Form, Form.id == Assignment.form_id)
             .join(Subject, Subject.id == Form.subject_id)
             .join(ClassGroup, ClassGroup.id == Assignment.class_id)
             .join(Sitting, Sitting.assignment_id == Assignment.id)
             .where(Sitting.status == "scored", scope.results_clause(caller))
             .group_by(Assignment.id, Form.name, ClassGroup.name, Subject.code)
             .order_by(Assignment.opens_at.desc(), Assignment.id.desc()))
    if class_id is not None:
        query = query.where(Assignment.class_id == class_id)
    return [TestChoice(a.id, name, a.class_id, room, subject, a.opens_at.date(), n)
            for a, name, room, subject, n in session.execute(query)]


def growth_chart(record: SubjectRecord, now_level: int, *, chart_id: str,
                 name: str) -> Markup | None:
    """A subject's growth line against the student's own norm and expectation."""
    if not record.points:
        return None
    points = [charts.GrowthPoint(p.result.sat_on, p.result.scale_score, p.result.se,
                                 f"{p.result.test_name} ({p.result.sat_on:%-d %b %Y})")
              for p in record.points]
    first, last = points[0].on - timedelta(days=30), points[-1].on + timedelta(days=30)
    path = []
    day = first
    rows = [p.result for p in record.points]
    scale = record.scale
    while day <= last:
        level = year_level_on(rows, day, now_level)
        norm = record.norms.at(level, day) if record.norms else None
        code = expected_sublevel(level, day)
        path.append(charts.PathPoint(day, norm.mean if norm else None,
                                     norm.sd if norm else None,
                                     scale.cut(code) if scale else None, code))
        day += timedelta(days=14)
    latest = record.points[-1].result
    desc = (f"{name}'s {record.subject_name.lower()} scale scores from {points[0].on:%B %Y} to "
            f"{points[-1].on:%B %Y}, each with a 95% error band; the latest is "
            f"{latest.scale_score:.0f} ± {1.96 * latest.se:.0f} ({latest.sublevel}). The shaded "
            "band is the norm for their year level at each date; the dotted line is where the "
            "curriculum's expected sublevel begins.")
    return Markup(charts.growth_chart(points, path, chart_id=chart_id,
                                      title=f"{name}: {record.subject_name} over time",
                                      desc=desc))


def quadrant_chart(progress: Progress, *, chart_id: str = "quadrant") -> Markup | None:
    """Achievement against each student's own norm × progress against expected growth."""
    points = [(s.achievement, s.post.se, s.progress, s.gain.se, s.name)
              for s in progress.students
              if s.achievement is not None and s.progress is not None]
    if not points:
        return None
    desc = ("Each student's later score against the norm for their own year level "
            "(horizontal, 0 = the norm mean) and their gain against the growth expected for "
            "their year level over this time (vertical, 0 = expected growth). Lines through "
            "each point are 95% error bars: a student whose bar crosses a dashed line is "
            "within error of it.")
    named = {s.name for s in progress.students
             if s.gain.verdict in ("more than expected", "less than expected")}
    return Markup(charts.quadrant_chart(
        points, corners=QUADRANTS, chart_id=chart_id, title="Achievement and progress",
        named=named,
        desc=desc, x_label="Later score − their year level's norm mean (scale points)",
        y_label="Gain − expected growth (points)"))


def effect_chart(rows: list[tuple[str, Progress]], *, chart_id: str,
                 title: str) -> Markup | None:
    """d with its 95% interval for several groups, beside the expected d and the hinge."""
    shown = [(label, p.effect.d, p.effect.low, p.effect.high) for label, p in rows
             if p.effect is not None]
    if not shown:
        return None
    expected = [p.expected_d for _, p in rows if p.expected_d is not None]
    refs = [(sum(expected) / len(expected), "expected d")] if expected else []
    refs.append((0.40, "0.40 hinge (a year)"))
    desc = ("Effect size d for each group with its 95% interval (analytic). "
            + "; ".join(f"{label}: d = {d:.2f} ({lo:.2f} to {hi:.2f})"
                        for label, d, lo, hi in shown) + ".")
    return Markup(charts.interval_chart(shown, references=refs, chart_id=chart_id, title=title,
                                        desc=desc, x_label="Effect size d (95% interval)"))


def year_distribution(view: ConsoleView, *, chart_id: str = "years") -> Markup | None:
    """Each year level's scores against its norm and the expected level at this term."""
    by_year: dict[int, list[console.Standing]] = {}
    for s in view.standings:
        by_year.setdefault(s.row.year_level, []).append(s)
    hidden = stats.suppressed({str(y): len(v) for y, v in by_year.items()})
    rows = []
    for year, items in sorted(by_year.items()):
        if str(year) in hidden:
            continue
        means = [s.norm_mean for s in items if s.norm_mean is not None]
        sds = [s.norm_sd for s in items if s.norm_sd is not None]
        mid = items[len(items) // 2].row
        code = expected_sublevel(year, mid.sat_on)
        cut = view.scale.cut(code) if view.scale else None
        rows.append(charts.DistributionRow(
            f"Year {year}", [s.row.scale_score for s in items],
            (sum(means) / len(means), sum(sds) / len(sds)) if means else None,
            (code, cut) if cut is not None else None))
    if not rows:
        return None
    desc = "; ".join(f"{r.label}: {len(r.scores)} students" + (
        f", norm mean {r.norm[0]:.0f}" if r.norm else "") + (
        f", expected {r.expected[0]} from {r.expected[1]:.0f}" if r.expected else "")
        for r in rows)
    return Markup(charts.distribution_chart(rows, chart_id=chart_id,
                                            title="Scores by year level", desc=desc + "."))


def weeks_text(weeks: float) -> str:
    return span(weeks)


def norms_note(norms: NormTable | None) -> str:
    return norms.label if norms else "No norms for this subject."


def record_charts(record: StudentRecord) -> dict[str, Markup | None]:
    """One growth chart per subject of a record."""
    return {s.subject: growth_chart(s, record.year_level, chart_id=f"growth-{s.subject}",
                                    name=record.name) for s in record.subjects}


def own_growth_chart(record: SubjectRecord, *, name: str) -> Markup | None:
    """A student's own growth line for their own page: their scores and errors only."""
    if not record.points:
        return None
    points = [charts.GrowthPoint(p.result.sat_on, p.result.scale_score, p.result.se,
                                 f"{p.result.test_name} ({p.result.sat_on:%-d %b %Y})")
              for p in record.points]
    desc = (f"{name}'s {record.subject_name.lower()} scores over time: "
            + "; ".join(f"{p.on:%B %Y}: {p.score:.0f}" for p in points) + ".")
    return Markup(charts.growth_chart(points, [], chart_id=f"mine-{record.subject}",
                                      title=f"My {record.subject_name.lower()} over time",
                                      desc=desc))
