"""Students under ``/api/v1/students``: CRUD in one's own school, export and deletion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.db import SessionDep, StepRoute
from app.people import privacy, student_logins, students
from app.people.dependencies import Caller
from app.people.policy import require
from app.people.student_schemas import (
    StudentCreate,
    StudentPassword,
    StudentRead,
    StudentUpdate,
)

router = APIRouter(prefix="/api/v1/students", tags=["students"], route_class=StepRoute)


@router.get("", response_model=list[StudentRead], summary="List students")
def list_students(
    session: SessionDep, caller: Annotated[Caller, require("students:read")],
    class_id: Annotated[int | None, Query(description="Only students in this class.")] = None,
    year_level: Annotated[int | None, Query(description="Only this year level.")] = None,
    q: Annotated[str | None, Query(max_length=100,
                                   description="Text in a name or student number.")] = None,
) -> list[StudentRead]:
    """Students of the caller's school (admins: every school), by family name."""
    found = students.get_all(session, caller=caller, class_id=class_id, year_level=year_level,
                             q=q)
    return [StudentRead.of(s) for s in found]


@router.post("", response_model=StudentRead, status_code=201, summary="Add a student")
def create_student(body: StudentCreate, session: SessionDep,
                   caller: Annotated[Caller, require("students:write")]) -> StudentRead:
    """Leaders add a student to the school (in a class or not); teachers add a new student
    to a class they teach (`class_id`)."""
    return StudentRead.of(students.create(session, caller=caller, data=body))


@router.get("/{student_id}", response_model=StudentRead, summary="One student")
def get_student(student_id: int, session: SessionDep,
                caller: Annotated[Caller, require("students:read")]) -> StudentRead:
    return StudentRead.of(students.get(session, caller=caller, student_id=student_id))


@router.patch("/{student_id}", response_model=StudentRead, summary="Change a student's details")
def update_student(student_id: int, body: StudentUpdate, session: SessionDep,
                   caller: Annotated[Caller, require("students:write")]) -> StudentRead:
    """Teachers change students in their own classes; leaders any student of their school."""
    student = students.get(session, caller=caller, student_id=student_id)
    return StudentRead.of(students.update(session, caller=caller, student=student, data=body))


@router.delete("/{student_id}", summary="Delete a student's identity (privacy request)")
def delete_student(student_id: int, session: SessionDep,
                   caller: Annotated[Caller, require("students:delete")]) -> dict[str, int]:
    """Removes who the student is; their responses stay only in de-identified form for
    calibration. Returns how many rows of each kind were removed or de-identified. Audited."""
    student = students.get(session, caller=caller, student_id=student_id)
    return privacy.delete_student(session, caller=caller, student=student)


@router.get("/{student_id}/export", summary="Export all data held about a student (JSON)")
def export_student(student_id: int, session: SessionDep,
                   caller: Annotated[Caller, require("students:export")]) -> dict[str, Any]:
    """Identity, classes, log-ins, audit events about them and every registered module's
    data (sittings and results once they exist). Audited."""
    student = students.get(session, caller=caller, student_id=student_id)
    return privacy.export_student(session, caller=caller, student=student)


@router.post("/{student_id}/password", response_model=StudentPassword,
             summary="Give a student a new password")
def reset_student_password(student_id: int, session: SessionDep,
                           caller: Annotated[Caller, require("classes:logins")]
                           ) -> StudentPassword:
    """A fresh password for the student, shown once; their old one stops working and their
    log-ins end. Teachers of one of the student's classes only. Audited."""
    student = students.get(session, caller=caller, student_id=student_id)
    fresh = student_logins.reset_student(session, caller=caller, student=student)
    return StudentPassword(student_number=student.student_number, password=fresh.password)
