"""Sittings under the privacy rules: a deleted student's sittings stay, de-identified.

Sittings, answers and results keep no name; cutting ``sitting.student_id`` leaves nothing that
points at the student, while ``sitting:<id>`` still groups their responses for calibration.
Registered when :mod:`app.delivery.sittings` is imported.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.delivery.models import Assignment, Result, Sitting
from app.people import privacy
from app.people.models import Student


def forget(session: Session, student: Student, _pseudonym: str) -> int:
    """Cut the student's sittings loose from them; return how many were changed."""
    rows = session.execute(update(Sitting).where(Sitting.student_id == student.id)
                           .values(student_id=None))
    return int(getattr(rows, "rowcount", 0) or 0)


def export(session: Session, student: Student) -> list[dict[str, Any]]:
    """The student's sittings and results, for a data export."""
    rows = session.execute(select(Sitting, Form.name, Result).join(
        Assignment, Assignment.id == Sitting.assignment_id).join(
        Form, Form.id == Assignment.form_id).outerjoin(Result, Result.sitting_id == Sitting.id)
        .where(Sitting.student_id == student.id).order_by(Sitting.id))
    return [{"test": name, "status": s.status,
             "started_at": s.started_at.isoformat() if s.started_at else None,
             "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
             "scale_score": r.scale_score if r else None, "se": r.scale_se if r else None,
             "sublevel": r.sublevel if r else None} for s, name, r in rows]


def register() -> None:
    privacy.register("sittings", deidentify=forget, export=export)
