"""Where the report builders' inputs come from: delivery's scored results, people's names,
calibration's scale and the norms.

A result is reported on the subject's one reporting scale: scoring put its θ on its
calibration's parent's metric, and :func:`app.delivery.reported.on_reference` follows the
stored links up to the reference calibration, as the student's pages and records do
(:mod:`app.impact.results`), so one sitting shows one score everywhere. The stored result is
never changed.

Norms come from calibration's norm table (:func:`app.calibration.norm_sets.table`): a
subject's imported norms, or illustrative ones derived from its calibration, which every
report labels as such. :func:`norms_of` is the one place reports look norms up.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import norm_sets
from app.calibration import service as calibration
from app.calibration.links import IDENTITY, reference_links
from app.calibration.models import ItemParameter
from app.calibration.scale import Scale
from app.delivery import result_store
from app.delivery.models import Assignment, Sitting
from app.delivery.reported import on_reference
from app.delivery.results import ScoredResult
from app.errors import Conflict
from app.itembank.models import Item, Strand
from app.people.models import Student
from app.reports.data import Norms, StudentResult, reference_norms


def scale_of(session: Session, subject_id: int) -> Scale:
    """The subject's reporting scale and cut scores."""
    scale = calibration.scale_of(session, subject_id=subject_id)
    if scale is None:
        raise Conflict("This subject has no reporting scale yet, so no report can be drawn.")
    return scale


def norms_of(session: Session, subject_id: int, scale: Scale) -> Norms:
    """The norms a subject's results are compared with: calibration's one norm lookup
    (imported norms, else illustrative ones derived from the calibration, labelled so)."""
    table = norm_sets.table(session, subject_id=subject_id)
    if table is None:
        return reference_norms("", scale.intercept, scale.slope)
    return Norms(table)


def student_result(session: Session, sitting: Sitting, scale: Scale) -> StudentResult | None:
    """A scored sitting as report input (None if unscored, unscaled or de-identified)."""
    scored = result_store.get(session, sitting=sitting)
    return None if scored is None else _with_student(session, scored, sitting.assignment,
                                                     scale)


def assignment_results(session: Session, assignment: Assignment, scale: Scale
                       ) -> list[StudentResult]:
    """Every scored, scaled result of an assignment whose student is still known."""
    out = []
    for scored in result_store.of_assignment(session, assignment_id=assignment.id):
        result = _with_student(session, scored, assignment, scale)
        if result is not None:
            out.append(result)
    return out


def _with_student(session: Session, scored: ScoredResult, assignment: Assignment,
                  scale: Scale) -> StudentResult | None:
    student = session.get(Student, scored.student_id) if scored.student_id else None
    if student is None or scored.scale_score is None:
        return None
    link = reference_links(session, subject_id=assignment.form.subject_id).get(
        scored.calibration_id, IDENTITY)
    return StudentResult(
        student_id=str(student.id), name=f"{student.first_name} {student.last_name}",
        year_level=student.year_level, test_name=assignment.form.name,
        scored=on_reference(_with_difficulties(session, scored, scale), link, scale),
        strand_names=_strand_names(session, assignment.form.subject_id))


def _strand_names(session: Session, subject_id: int) -> dict[str, str]:
    return {code: name for code, name in session.execute(
        select(Strand.code, Strand.name).where(Strand.subject_id == subject_id))}


def _with_difficulties(session: Session, scored: ScoredResult, scale: Scale) -> ScoredResult:
    """Results scored before item difficulties were stored get them from the calibration's
    item locations (tolerated old rows; new results carry their own)."""
    missing = [q.item for q in scored.quadrants if q.difficulty is None]
    if not missing:
        return scored
    location = dict(session.execute(select(Item.code, ItemParameter.location).join(
        ItemParameter, ItemParameter.item_id == Item.id).where(
        ItemParameter.calibration_id == scored.calibration_id, Item.code.in_(missing))).all())
    items = tuple(q if q.difficulty is not None else q.model_copy(update={
        "difficulty": round(scale.score(float(location.get(q.item, 0.0))), 1)})
        for q in scored.quadrants)
    return scored.model_copy(update={"quadrants": items})


def years_between(first: date, second: date) -> float:
    """Years between two dates (calendar time; at least a few weeks)."""
    return max((second - first).days / 365.25, 0.05)
