"""Which results, students and classes a caller may read for records, progress and exports.

A teacher reads the classes they teach and their students (a student's whole record, across
classes and years, once they teach them); a leader or admin reads the whole school; other
roles read none. These are WHERE clauses, so every query states its scope once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.orm import Session

from app.delivery.models import Assignment
from app.errors import NotFound
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Student, class_student, class_teacher

LEADING = frozenset({"admin", "leader"})


def taught_classes(caller: Caller) -> Select[tuple[int]]:
    """The ids of the classes the caller teaches."""
    staff_id = caller.staff.id if caller.staff is not None else -1
    return select(class_teacher.c.class_id).where(class_teacher.c.staff_id == staff_id)


def class_clause(caller: Caller, column: Any = ClassGroup.id) -> ColumnElement[bool]:
    """Limits a class id column to the classes the caller may read."""
    if caller.role in LEADING:
        return true()
    if caller.role != "teacher":
        return false()
    clause: ColumnElement[bool] = column.in_(taught_classes(caller))
    return clause


def results_clause(caller: Caller) -> ColumnElement[bool]:
    """Limits assignments (and so their results) to those the caller may read."""
    return and_(policy.school_clause(caller, Assignment.school_id),
                class_clause(caller, Assignment.class_id))


def student_clause(caller: Caller) -> ColumnElement[bool]:
    """Limits students to those the caller may read."""
    school = policy.school_clause(caller, Student.school_id)
    if caller.role in LEADING:
        return school
    if caller.role != "teacher":
        return false()
    return and_(school, Student.id.in_(select(class_student.c.student_id).where(
        class_student.c.class_id.in_(taught_classes(caller)))))


def get_student(session: Session, *, caller: Caller, student_id: int) -> Student:
    """A student the caller may read, or NotFound."""
    student = session.scalar(select(Student).where(Student.id == student_id,
                                                   student_clause(caller)))
    if student is None:
        raise NotFound(f"No student {student_id}.")
    return student


def get_class(session: Session, *, caller: Caller, class_id: int) -> ClassGroup:
    """A class the caller may read, or NotFound."""
    room = session.scalar(select(ClassGroup).where(
        ClassGroup.id == class_id, policy.school_clause(caller, ClassGroup.school_id),
        class_clause(caller)))
    if room is None:
        raise NotFound(f"No class {class_id}.")
    return room
