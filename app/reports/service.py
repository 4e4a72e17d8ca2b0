"""Report views from the database: what the pages show and the print jobs print."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.delivery.models import Assignment, Sitting
from app.errors import NotFound
from app.itembank.models import Subject
from app.people.models import ClassGroup
from app.reports import group, individual, sources


def subject_code(session: Session, subject_id: int) -> str:
    subject = session.get(Subject, subject_id)
    return subject.code if subject is not None else ""


def class_view(session: Session, assignment: Assignment) -> group.ClassView:
    """The class report of an assignment (the caller has been checked by the page)."""
    subject_id = assignment.form.subject_id
    scale = sources.scale_of(session, subject_id)
    room = session.get(ClassGroup, assignment.class_id)
    return group.build_class(sources.assignment_results(session, assignment, scale), scale,
                             sources.norms_of(subject_code(session, subject_id), scale),
                             class_name=f"{room.name if room else 'Class'}: "
                                        f"{assignment.form.name}")


def pathway_view(session: Session, sitting: Sitting) -> individual.IndividualView:
    """A sitting's Individual Learning Pathway (the caller has been checked by the page)."""
    subject_id = sitting.assignment.form.subject_id
    scale = sources.scale_of(session, subject_id)
    result = sources.student_result(session, sitting, scale)
    if result is None:
        raise NotFound("This sitting has no scored result yet.")
    return individual.build_individual(result, scale, sources.norms_of(
        subject_code(session, subject_id), scale))
