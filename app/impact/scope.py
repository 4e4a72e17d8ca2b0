"""Which results, students and classes a caller may read for records, progress and exports:
the policy's row clauses (:mod:`app.people.policy`) applied to results.

A teacher reads the classes they teach and their students (a student's whole record, across
classes and years, once they teach them); a leader reads the whole school; other roles none.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.delivery.models import Assignment
from app.errors import NotFound
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Student

LEADING = frozenset({"admin", "leader"})


def results_clause(caller: Caller) -> ColumnElement[bool]:
    """Limits assignments (and so their results) to the classes the caller reaches."""
    return policy.class_clause(caller, Assignment.class_id)


def student_clause(caller: Caller) -> ColumnElement[bool]:
    """Limits students to those the caller reaches."""
    return policy.student_clause(caller)


def get_student(session: Session, *, caller: Caller, student_id: int) -> Student:
    """A student the caller may read, or NotFound."""
    student = session.scalar(select(Student).where(Student.id == student_id,
                                                   student_clause(caller)))
    if student is None:
        raise NotFound(f"No student {student_id}.")
    return student


def get_class(session: Session, *, caller: Caller, class_id: int) -> ClassGroup:
    """A class the caller may read, or NotFound."""
    room = session.scalar(select(ClassGroup).where(ClassGroup.id == class_id,
                                                   policy.class_clause(caller)))
    if room is None:
        raise NotFound(f"No class {class_id}.")
    return room


def get_classes(session: Session, *, caller: Caller) -> list[ClassGroup]:
    """The classes the caller may read, by period and name."""
    return list(session.scalars(select(ClassGroup).where(policy.class_clause(caller))
                                .order_by(ClassGroup.period.desc(), ClassGroup.name)))
