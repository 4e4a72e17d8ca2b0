"""The console's data: a school's results at one term, its earlier years and its targets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.calibration import norm_sets
from app.calibration.norms import NormTable, school_year, term_of
from app.delivery.models import Assignment, Sitting
from app.errors import InvalidInput, NotFound
from app.impact import console, results, scope, stats
from app.impact.models import TARGET_KINDS, Target
from app.impact.progress import Progress
from app.impact.results import ResultRow, ScaleInfo, latest_by_student
from app.impact.service import term_rows
from app.itembank.models import Subject
from app.people.dependencies import Caller

Occasion = tuple[int, int]
"""(school year, term)."""


@dataclass(frozen=True)
class TargetProgress:
    """A target and how far the school has come towards it."""

    target: Target
    label: str
    current: float | None
    low: float | None
    high: float | None
    status: str
    basis: str


@dataclass(frozen=True)
class ConsoleView:
    """Everything on the console for one subject at one term."""

    subject: Subject
    occasion: Occasion
    start: Occasion | None
    """The school year's first term with results (cohort progress runs from it)."""
    occasions: list[tuple[Occasion, int]]
    """Every term with results, with how many students."""
    norms: NormTable | None
    scale: ScaleInfo | None
    standings: list[console.Standing]
    school: console.GroupSummary
    breakdowns: dict[str, list[console.GroupSummary]]
    targets: list[TargetProgress]
    years: list[tuple[Occasion, console.GroupSummary]]
    """Earlier (and this) school years at their last term with results."""


def occasions(session: Session, *, caller: Caller, subject: Subject) -> Counter[Occasion]:
    """Terms with scored results the caller may read, with how many students each."""
    rows = session.execute(select(Assignment.opens_at, Sitting.student_id)
                           .join(Form, Form.id == Assignment.form_id)
                           .join(Sitting, Sitting.assignment_id == Assignment.id)
                           .where(Form.subject_id == subject.id, Sitting.status == "scored",
                                  Sitting.student_id.is_not(None),
                                  scope.results_clause(caller)))
    students: dict[Occasion, set[int | None]] = {}
    for opens, student_id in rows:
        students.setdefault(_occasion(opens.date()), set()).add(student_id)
    return Counter({occasion: len(ids) for occasion, ids in students.items()})


def _occasion(day: date) -> Occasion:
    return school_year(day), term_of(day)


def rows_at(session: Session, *, caller: Caller, subject: Subject,
            occasion: Occasion) -> list[ResultRow]:
    """Each student's latest result in the term's window."""
    found = term_rows(session, caller=caller, subject=subject, term=occasion)
    return list(latest_by_student(found).values())


def view(session: Session, *, caller: Caller, subject: Subject,
         occasion: Occasion | None = None, year_level: int | None = None,
         class_id: int | None = None) -> ConsoleView:
    """The console at ``occasion`` (default: the latest term with results), optionally for
    one year level or one class (the drill-down)."""
    seen = occasions(session, caller=caller, subject=subject)
    if occasion is None:
        occasion = max(seen) if seen else _occasion(datetime.now(UTC).date())
    norms = norm_sets.table(session, subject_id=subject.id)
    scale = results.scale_info(session, subject.id)
    now = _filtered(rows_at(session, caller=caller, subject=subject, occasion=occasion),
                    year_level, class_id)
    firsts = sorted(o for o in seen if o[0] == occasion[0] and o < occasion)
    start = firsts[0] if firsts else None
    pre = rows_at(session, caller=caller, subject=subject, occasion=start) if start else []
    items = console.standings(now, norms, scale)

    def progress_of(ids: set[int]) -> Progress | None:
        return console.cohort_progress(pre, now, norms, students=ids, title="", subject=subject
                                       .code) if start else None

    school = console.summarise("All students", items, progress=progress_of(
        {s.row.student_id for s in items}))
    breakdowns = {name: console.breakdown(items, by, progress_of=progress_of)
                  for name, by in console.BREAKDOWNS.items()
                  if not (name == "Year level" and year_level is not None)
                  and not (name == "Class" and class_id is not None)}
    return ConsoleView(
        subject=subject, occasion=occasion, start=start, occasions=sorted(seen.items()),
        norms=norms, scale=scale, standings=items, school=school, breakdowns=breakdowns,
        targets=target_progress(session, caller=caller, subject=subject, year=occasion[0])
        if year_level is None and class_id is None else [],
        years=_years(session, caller=caller, subject=subject, seen=seen, norms=norms,
                     scale=scale, year_level=year_level, class_id=class_id))


def _filtered(rows: list[ResultRow], year_level: int | None, class_id: int | None
              ) -> list[ResultRow]:
    return [r for r in rows if (year_level is None or r.year_level == year_level)
            and (class_id is None or r.class_id == class_id)]


def _years(session: Session, *, caller: Caller, subject: Subject, seen: Counter[Occasion],
           norms: NormTable | None, scale: ScaleInfo | None, year_level: int | None,
           class_id: int | None) -> list[tuple[Occasion, console.GroupSummary]]:
    out = []
    for year in sorted({o[0] for o in seen}):
        terms = sorted(o for o in seen if o[0] == year)
        last = _filtered(rows_at(session, caller=caller, subject=subject, occasion=terms[-1]),
                         year_level, class_id)
        progress = None
        if len(terms) > 1:
            first = rows_at(session, caller=caller, subject=subject, occasion=terms[0])
            progress = console.cohort_progress(first, last, norms, title="", subject=subject.code,
                                               students={r.student_id for r in last})
        out.append((terms[-1], console.summarise(f"{year} (Term {terms[-1][1]})",
                                            console.standings(last, norms, scale),
                                            progress=progress)))
    return out


# --- targets ----------------------------------------------------------------------------------

def get_targets(session: Session, *, caller: Caller, subject: Subject,
                year: int) -> list[Target]:
    return list(session.scalars(select(Target).where(
        Target.school_id == (caller.school_id or -1), Target.subject_id == subject.id,
        Target.school_year == year).order_by(Target.year_level, Target.kind)))


def set_target(session: Session, *, caller: Caller, subject: Subject, year: int,
               year_level: int | None, kind: str, value: float, note: str = "") -> Target:
    """Create or change the target for a year level (None: the whole school)."""
    if caller.school_id is None:
        raise InvalidInput("Targets belong to a school; this account has none.")
    if kind not in TARGET_KINDS:
        raise InvalidInput(f"A target is one of: {', '.join(TARGET_KINDS)}.")
    if kind == "at_expected" and not 0 < value <= 1:
        raise InvalidInput("A share at the expected level is between 0 and 100%.")
    if kind == "mean_d" and not -1 <= value <= 3:
        raise InvalidInput("An effect size target lies between −1 and 3 (0.40 is a year's "
                           "growth).")
    existing = next((t for t in get_targets(session, caller=caller, subject=subject, year=year)
                     if t.year_level == year_level and t.kind == kind), None)
    target = existing or Target(school_id=caller.school_id, subject_id=subject.id,
                                school_year=year, year_level=year_level, kind=kind, value=value,
                                created_by_id=caller.staff.id if caller.staff else None)
    target.value, target.note = value, note.strip()[:500]
    session.add(target)
    session.flush()
    return target


def delete_target(session: Session, *, caller: Caller, target_id: int) -> Target:
    """Remove one of the caller's school's targets; the removed row says what it was."""
    target = session.scalar(select(Target).where(
        Target.id == target_id, Target.school_id == (caller.school_id or -1)))
    if target is None:
        raise NotFound(f"No target {target_id}.")
    session.delete(target)
    session.flush()
    return target


def target_label(target: Target) -> str:
    """The target in words, e.g. "Year 6: 80% at or above the expected level by the year's
    end"."""
    who = f"Year {target.year_level}" if target.year_level else "All year levels"
    if target.kind == "at_expected":
        return f"{who}: {target.value:.0%} at or above the expected level by the year's end"
    return f"{who}: effect size d ≥ {target.value:.2f} over the year"


def target_progress(session: Session, *, caller: Caller, subject: Subject,
                    year: int) -> list[TargetProgress]:
    """Each of the year's targets against the latest results of that year."""
    targets = get_targets(session, caller=caller, subject=subject, year=year)
    if not targets:
        return []
    terms = sorted(o for o in occasions(session, caller=caller, subject=subject) if o[0] == year)
    norms = norm_sets.table(session, subject_id=subject.id)
    scale = results.scale_info(session, subject.id)
    last = rows_at(session, caller=caller, subject=subject, occasion=terms[-1]) if terms else []
    first = (rows_at(session, caller=caller, subject=subject, occasion=terms[0])
             if len(terms) > 1 else [])
    return [_progress(t, last, first, norms, scale, terms, subject) for t in targets]


def _progress(target: Target, last: list[ResultRow], first: list[ResultRow],
              norms: NormTable | None, scale: ScaleInfo | None, terms: list[Occasion],
              subject: Subject) -> TargetProgress:
    now = [r for r in last if target.year_level is None or r.year_level == target.year_level]
    label = target_label(target)
    if target.kind == "at_expected":
        judged = [s.at_expected for s in console.standings(now, norms, scale)
                  if s.at_expected is not None]
        if len(judged) < stats.MIN_GROUP:
            return TargetProgress(target, label, None, None, None, "too few results yet", "")
        share = stats.share(sum(judged), len(judged))
        basis = f"{share.k} of {share.n} in Term {terms[-1][1]}"
        return TargetProgress(target, label, share.value, share.low, share.high,
                              _status(share.value, share.low, share.high, target.value), basis)
    progress = console.cohort_progress(first, now, norms, title="", subject=subject.code,
                                       students={r.student_id for r in now})
    if progress is None or progress.effect is None:
        return TargetProgress(target, label, None, None, None,
                              "needs results from two terms of five or more students", "")
    e = progress.effect
    basis = f"{e.n} students, Term {terms[0][1]} to Term {terms[-1][1]}"
    return TargetProgress(target, label, e.d, e.low, e.high,
                          _status(e.d, e.low, e.high, target.value), basis)


def _status(value: float, low: float, high: float, goal: float) -> str:
    if low >= goal:
        return "met (beyond error)"
    if high < goal:
        return "not met"
    return "on track (within error)" if value >= goal else "not yet (within error)"
