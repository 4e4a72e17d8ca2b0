"""Class lists from school management systems (CSV): all or nothing, problems listed by row.

Columns (a header row is required; order does not matter, unknown columns are ignored)::

    student_number,first_name,last_name,year_level,gender,ethnicity,language,class,teacher_email

The first four are required. A student in several groups appears on several rows (one per
class). ``teacher_email`` may list several addresses separated by ``;``; each must be a
leader or teacher of the school. Re-importing updates students (matched by student number)
and adds missing classes, memberships and teachers; nothing is duplicated and nothing is
removed. Optional columns that are present but blank clear the value.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pydantic import ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInput
from app.people import audit, classes
from app.people.dependencies import Caller
from app.people.models import SCHOOL_ROLES, ClassGroup, School, Staff, Student
from app.people.student_schemas import StudentFields

REQUIRED = ("student_number", "first_name", "last_name", "year_level")
OPTIONAL = ("gender", "ethnicity", "language")


class ClassListRow(StudentFields):
    """One row of a class list."""

    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)

    student_number: str = Field(min_length=1, max_length=40, description="Student number.")
    class_name: str | None = Field(None, alias="class", max_length=100,
                                   description="Class or group to put the student in.")
    teacher_emails: list[str] = Field(default_factory=list, alias="teacher_email",
                                      description="Teachers of that class.")

    @field_validator("gender", "ethnicity", "language", "class_name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("teacher_emails", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [e.strip().lower() for e in value.split(";") if e.strip()]
        return value


@dataclass
class _Parsed:
    columns: set[str] = field(default_factory=set)
    rows: list[tuple[str, ClassListRow]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, where: str, fld: str, message: str) -> None:
        self.problems.append({"row": where, "field": fld, "message": message})


def import_class_list(session: Session, data: bytes | BinaryIO, *, caller: Caller,
                      school: School, period: str) -> dict[str, int]:
    """Validate the whole file, then write it in one savepoint; any problem writes nothing.
    ``data`` may be an open binary file, read row by row rather than whole."""
    parsed = _parse(io.BytesIO(data) if isinstance(data, bytes) else data)
    teachers = _check(session, parsed, school)
    if parsed.problems:
        raise InvalidInput(f"The class list was not imported: {len(parsed.problems)} "
                           "problem(s).", problems=parsed.problems)
    with session.begin_nested():
        counts = _write(session, parsed, school, period, teachers)
    report = {k: counts[k] for k in ("students_created", "students_updated",
                                     "students_unchanged", "classes_created",
                                     "memberships_added", "teachers_added")}
    audit.record(session, actor=caller, action="classlist.import", target=f"school:{school.id}",
                 detail={"period": period, **report}, school_id=school.id)
    return report


def _write(session: Session, parsed: _Parsed, school: School, period: str,
           teachers: dict[str, Staff]) -> Counter[str]:
    """Students first (once each, however many rows they have), then classes and members."""
    counts: Counter[str] = Counter()
    students: dict[str, Student] = {}
    for _where, row in parsed.rows:
        if row.student_number not in students:
            students[row.student_number] = _upsert_student(session, school, row,
                                                            parsed.columns, counts)
    for _where, row in parsed.rows:
        if row.class_name:
            group = _class(session, school, row.class_name, period, counts)
            _join(group, students[row.student_number],
                  [teachers[e] for e in row.teacher_emails], counts)
    session.flush()
    return counts


def _parse(source: BinaryIO) -> _Parsed:
    parsed = _Parsed()
    reader = csv.DictReader(io.TextIOWrapper(source, encoding="utf-8-sig", newline=""))
    try:
        parsed.columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
        missing = [c for c in REQUIRED if c not in parsed.columns]
        if missing:
            parsed.problem("line 1", ",".join(missing),
                           "required column(s) missing from the header")
            return parsed
        for raw in reader:
            _parse_row(parsed, f"line {reader.line_num}", raw)
    except csv.Error as exc:
        parsed.problem(f"line {reader.line_num}", "", f"not valid CSV: {exc}")
    except UnicodeDecodeError:
        parsed.problem(f"line {reader.line_num + 1}", "", "the file is not UTF-8 text")
    return parsed


def _parse_row(parsed: _Parsed, where: str, raw: dict[str | None, Any]) -> None:
    if None in raw:
        parsed.problem(where, "", "more fields than the header has columns")
        return
    row = {(k or "").strip().lower(): v for k, v in raw.items() if v is not None}
    try:
        parsed.rows.append((where, ClassListRow.model_validate(row)))
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(row)"
            parsed.problem(where, {"class_name": "class"}.get(loc, loc), err["msg"])


def _check(session: Session, parsed: _Parsed, school: School) -> dict[str, Staff]:
    """Rows that contradict each other, and teachers who are not staff of this school."""
    first: dict[str, tuple[str, ClassListRow]] = {}
    fields = ("first_name", "last_name", "year_level", *OPTIONAL)
    for where, row in parsed.rows:
        seen = first.setdefault(row.student_number, (where, row))
        if seen[1].model_dump(include=set(fields)) != row.model_dump(include=set(fields)):
            parsed.problem(where, "student_number", f"student {row.student_number} has "
                           f"different details at {seen[0]}")
    emails = {e for _, row in parsed.rows for e in row.teacher_emails}
    teachers = {s.email: s for s in session.scalars(select(Staff).where(
        Staff.email.in_(emails), Staff.school_id == school.id, Staff.is_active,
        Staff.role.in_(SCHOOL_ROLES)))}
    for where, row in parsed.rows:
        for email in row.teacher_emails:
            if email not in teachers:
                parsed.problem(where, "teacher_email",
                               f"no leader or teacher of {school.code} has the e-mail {email}")
        if row.teacher_emails and not row.class_name:
            parsed.problem(where, "class", "a teacher_email needs a class on the same row")
    return teachers


def _upsert_student(session: Session, school: School, row: ClassListRow, columns: set[str],
                    counts: Counter[str]) -> Student:
    student = session.scalar(select(Student).options(selectinload(Student.classes)).where(
        Student.school_id == school.id, Student.student_number == row.student_number))
    values = row.model_dump(include={"first_name", "last_name", "year_level",
                                     *(c for c in OPTIONAL if c in columns)})
    if student is None:
        student = Student(school=school, student_number=row.student_number, **values)
        session.add(student)
        session.flush()
        counts["students_created"] += 1
        return student
    changed = {k: v for k, v in values.items() if getattr(student, k) != v}
    for name, value in changed.items():
        setattr(student, name, value)
    counts["students_updated" if changed else "students_unchanged"] += 1
    return student


def _class(session: Session, school: School, name: str, period: str,
           counts: Counter[str]) -> ClassGroup:
    group = session.scalar(select(ClassGroup).options(
        selectinload(ClassGroup.students), selectinload(ClassGroup.teachers)).where(
        ClassGroup.school_id == school.id, ClassGroup.name == name, ClassGroup.period == period))
    if group is None:
        group = ClassGroup(school=school, name=name, period=period,
                           access_code=classes.new_access_code(session))
        session.add(group)
        session.flush()
        counts["classes_created"] += 1
    return group


def _join(group: ClassGroup, student: Student, teachers: list[Staff],
          counts: Counter[str]) -> None:
    if student not in group.students:
        group.students.append(student)
        counts["memberships_added"] += 1
    for teacher in teachers:
        if teacher not in group.teachers:
            group.teachers.append(teacher)
            counts["teachers_added"] += 1
