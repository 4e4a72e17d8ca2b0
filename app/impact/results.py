"""Scored results as rows over time: one student, one class, a school — on one scale.

Each row is one scored sitting with who sat it (and their year level then), where (class) and
what (test, subject), its scale score with SE and sublevel, sub-scores and attitude. Scores
from every calibration are put on the subject's reference scale through the stored links
(:mod:`app.calibration.links`), so results years apart can be compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.calibration import service as calibration
from app.calibration.links import IDENTITY, Link, reference_links
from app.calibration.scale import Scale
from app.delivery import result_store
from app.delivery.models import Assignment, Result, Sitting
from app.delivery.results import Flag, ItemOutcome, SubScore
from app.itembank.models import Subject
from app.people.models import ClassGroup, Student


@dataclass(frozen=True)
class ScaleInfo:
    """A subject's reporting scale with the links that bring every calibration onto it."""

    scale: Scale
    links: dict[int, Link]

    def sublevel(self, score: float) -> str:
        """The sublevel a score falls in; "below 2B" under the lowest cut."""
        return self.scale.sublevel(score)

    def cut(self, code: str) -> float | None:
        """Where a sublevel begins on the scale."""
        return self.scale.start(code)

    def to_scale(self, calibration_id: int, theta: float, se: float) -> tuple[float, float]:
        """A stored θ and SE as a reference scale score and SE."""
        a, b = self.links.get(calibration_id, IDENTITY)
        return self.scale.score(a * theta + b), self.scale.score_se(abs(a) * se)


@dataclass(frozen=True)
class ResultRow:
    """One scored sitting, on the subject's reference scale."""

    result_id: int
    sitting_id: int
    student_id: int
    student_number: str
    first_name: str
    last_name: str
    gender: str | None
    ethnicity: str | None
    language: str | None
    year_level: int
    """The student's year level when they sat."""
    class_id: int
    class_name: str
    assignment_id: int
    test_name: str
    subject_id: int
    subject: str
    sat_on: date
    scale_score: float
    se: float
    sublevel: str
    strands: dict[str, tuple[float, float]] = field(default_factory=dict)
    depth: dict[str, tuple[float, float]] = field(default_factory=dict)
    attitude: float | None = None
    flags: tuple[Flag, ...] = ()
    quadrants: tuple[ItemOutcome, ...] = ()
    calibration_id: int = 0

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def scale_info(session: Session, subject_id: int) -> ScaleInfo | None:
    """The subject's scale, cuts and links (None without a reporting scale)."""
    scale = calibration.scale_of(session, subject_id=subject_id)
    return None if scale is None else ScaleInfo(scale, reference_links(session,
                                                                       subject_id=subject_id))


def rows(session: Session, *where: ColumnElement[bool]) -> list[ResultRow]:
    """Scored results matching ``where`` (clauses on Result, Sitting, Assignment, Form,
    Student, ClassGroup), oldest first."""
    query = (select(Result, Sitting, Assignment, Form, Student, ClassGroup, Subject.code)
             .join(Sitting, Sitting.id == Result.sitting_id)
             .join(Assignment, Assignment.id == Sitting.assignment_id)
             .join(Form, Form.id == Assignment.form_id)
             .join(Subject, Subject.id == Form.subject_id)
             .join(Student, Student.id == Sitting.student_id)
             .join(ClassGroup, ClassGroup.id == Assignment.class_id)
             .where(Sitting.status == "scored", *where)
             .order_by(Assignment.opens_at, Assignment.id, Student.last_name,
                       Student.first_name))
    scales: dict[int, ScaleInfo | None] = {}
    out = []
    for result, sitting, assignment, form, student, room, subject in session.execute(query):
        if form.subject_id not in scales:
            scales[form.subject_id] = scale_info(session, form.subject_id)
        scale = scales[form.subject_id]
        if scale is not None:
            out.append(_row(result, sitting, assignment, form, student, room, subject, scale))
    return out


def _row(result: Result, sitting: Sitting, assignment: Assignment, form: Form,
         student: Student, room: ClassGroup, subject: str, scale: ScaleInfo) -> ResultRow:
    scored = result_store.from_row(result, sitting)
    score, se = scale.to_scale(scored.calibration_id, scored.theta, scored.se)
    return ResultRow(
        result_id=result.id, sitting_id=sitting.id, student_id=student.id,
        student_number=student.student_number, first_name=student.first_name,
        last_name=student.last_name, gender=student.gender, ethnicity=student.ethnicity,
        language=student.language,
        year_level=sitting.year_level if sitting.year_level is not None else student.year_level,
        class_id=room.id, class_name=room.name, assignment_id=assignment.id,
        test_name=form.name, subject_id=form.subject_id, subject=subject,
        sat_on=(sitting.submitted_at or assignment.opens_at).date(),
        scale_score=round(score, 1), se=round(se, 1), sublevel=scale.sublevel(score),
        strands=_subscores(scored.subscores.strand, scored.calibration_id, scale),
        depth=_subscores(scored.subscores.depth, scored.calibration_id, scale),
        attitude=scored.attitude_score, flags=scored.flags, quadrants=scored.quadrants,
        calibration_id=scored.calibration_id)


def _subscores(entries: Mapping[Any, SubScore], calibration_id: int,
               scale: ScaleInfo) -> dict[str, tuple[float, float]]:
    out = {}
    for name, e in entries.items():
        score, se = scale.to_scale(calibration_id, e.theta, e.se)
        out[name] = (round(score, 1), round(se, 1))
    return out


def latest_by_student(results: Iterable[ResultRow]) -> dict[int, ResultRow]:
    """Each student's latest result among ``results`` (ties: the later assignment)."""
    out: dict[int, ResultRow] = {}
    for r in results:
        held = out.get(r.student_id)
        if held is None or (r.sat_on, r.assignment_id) >= (held.sat_on, held.assignment_id):
            out[r.student_id] = r
    return out
