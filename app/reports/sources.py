"""Scored sittings in the database → the plain report data the builders read.

Norms: Kete has no normed sample yet, so each subject's norms are those its reference
calibration implies (θ ~ N(0, 1) spread over Years 4–10, a year's growth of d = 0.40);
reports say they are illustrative.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import service as calibration
from app.calibration.models import ItemParameter
from app.delivery.models import Assignment, Result, Sitting
from app.errors import Conflict
from app.itembank.models import Item, Objective
from app.people.models import Student
from app.reports.data import ItemOutcome, Norms, Scale, StudentResult, reference_norms


def scale_of(session: Session, subject_id: int) -> Scale:
    """The subject's reporting scale and cut scores as report data."""
    row, cuts = calibration.reporting_scale(session, subject_id=subject_id)
    if row is None:
        raise Conflict("This subject has no reporting scale yet, so no report can be drawn.")
    return Scale(name=row.name, intercept=row.intercept, slope=row.slope, cuts=dict(cuts))


def norms_of(subject: str, scale: Scale) -> Norms:
    return reference_norms(subject, scale.intercept, scale.slope)


def student_result(session: Session, sitting: Sitting, scale: Scale) -> StudentResult | None:
    """A scored sitting as report data (None if it has no result or no student any more)."""
    result = session.scalar(select(Result).where(Result.sitting_id == sitting.id))
    student = session.get(Student, sitting.student_id) if sitting.student_id else None
    if result is None or student is None or result.scale_score is None:
        return None
    assignment = sitting.assignment
    return StudentResult(
        student_id=str(student.id), name=f"{student.first_name} {student.last_name}",
        year_level=student.year_level, test_name=assignment.form.name,
        sat_on=(sitting.submitted_at or assignment.opens_at).date(),
        theta=result.theta, se=result.se, scale_score=result.scale_score,
        scale_se=result.scale_se or result.se * scale.slope,
        sublevel=result.sublevel or scale.sublevel(result.scale_score),
        strands=_pairs(result.subscores.get("strand", {})),
        depth=_pairs(result.subscores.get("depth", {})),
        attitude=result.attitude_score, flags=tuple(str(f) for f in result.flags),
        items=_outcomes(session, result, scale))


def _pairs(entries: dict) -> dict[str, tuple[float, float]]:
    return {name: (float(e["scale_score"]), float(e["scale_se"])) for name, e in entries.items()
            if e.get("scale_score") is not None and e.get("scale_se") is not None}


def _outcomes(session: Session, result: Result, scale: Scale) -> tuple[ItemOutcome, ...]:
    codes = [q["item"] for q in result.quadrants]
    location = {code: loc for code, loc in session.execute(
        select(Item.code, ItemParameter.location).join(
            ItemParameter, ItemParameter.item_id == Item.id).where(
            ItemParameter.calibration_id == result.calibration_id, Item.code.in_(codes)))}
    texts = {o.code: o.text for o in session.scalars(select(Objective).where(
        Objective.code.in_([q["objective"] for q in result.quadrants if q["objective"]])))}
    return tuple(ItemOutcome(
        code=q["item"], objective_code=q["objective"] or "—",
        objective=q.get("objective_text") or texts.get(q["objective"] or "", ""),
        strand=q["strand"] or "—", sublevel=q["sublevel"] or "—",
        depth=q["depth"] or "surface", score=int(q["score"]), max_score=int(q["max_score"]),
        difficulty=scale.score(float(location.get(q["item"], 0.0))),
        p_success=float(q["p_correct"]), quadrant=q["quadrant"]) for q in result.quadrants)


def assignment_results(session: Session, assignment: Assignment, scale: Scale
                       ) -> list[StudentResult]:
    sittings = session.scalars(select(Sitting).where(Sitting.assignment_id == assignment.id)
                               .order_by(Sitting.id))
    return [r for r in (student_result(session, s, scale) for s in sittings) if r is not None]


def years_between(first: date, second: date) -> float:
    """Years between two dates (calendar time; at least a few weeks)."""
    return max((second - first).days / 365.25, 0.05)
