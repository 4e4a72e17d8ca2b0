"""Rows and log-ins for people tests, made directly in the database (no HTTP round trips)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.people import classes, logins, service
from app.people.models import ClassGroup, School, Staff, Student
from app.people.security import hash_student_password
from app.people.student_passwords import normalise

PASSWORD = "a-long-test-password"
STUDENT_PASSWORD = "kiwi moon 42"
"""Every built student's own password (in the generated format)."""


def school(session: Session, code: str = "KURA-A") -> School:
    return service.get_or_create_school(session, code=code, name=f"School {code}")


def staff(session: Session, role: str, *, at: School | None = None,
          email: str | None = None) -> Staff:
    email = email or f"{role}.{at.code if at else 'bank'}@example.org".lower()
    return service.create_staff(session, email=email, name=f"{role.title()} Person", role=role,
                                password=PASSWORD, school=at)


def bearer(session: Session, member: Staff) -> dict[str, str]:
    token, _ = service.start_session(session, staff=member, kind="bearer")
    return {"Authorization": f"Bearer {token}"}


def cookie(session: Session, member: Staff) -> str:
    return service.start_session(session, staff=member, kind="cookie")[0]


def cookie_and_csrf(session: Session, member: Staff) -> tuple[str, str]:
    """A page log-in's cookie token and the CSRF token its forms carry."""
    token, login = service.start_session(session, staff=member, kind="cookie")
    return token, login.csrf_token


def student(session: Session, at: School, number: str = "1001", *, first: str = "Aroha",
            last: str = "Ngata", year: int = 6) -> Student:
    row = Student(school=at, student_number=number, first_name=first, last_name=last,
                  year_level=year,
                  password_hash=hash_student_password(normalise(STUDENT_PASSWORD)))
    session.add(row)
    session.flush()
    return row


def group(session: Session, at: School, name: str = "Room 1", *,
          teachers: list[Staff] | None = None, students: list[Student] | None = None
          ) -> ClassGroup:
    row = ClassGroup(school=at, name=name, period="2026",
                     access_code=classes.new_access_code(session))
    row.teachers.extend(teachers or [])
    row.students.extend(students or [])
    session.add(row)
    session.flush()
    return row


def student_bearer(session: Session, pupil: Student, room: ClassGroup | None = None
                   ) -> dict[str, str]:
    """A bearer header for ``pupil`` (``room`` is ignored: log-ins belong to no class)."""
    token, _ = logins.start_student_session(session, student=pupil, kind="bearer")
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Tenant:
    """One school with a leader, a teacher with a class of two students, and another class."""

    school: School
    leader: Staff
    teacher: Staff
    other_teacher: Staff
    room: ClassGroup
    other_room: ClassGroup
    students: list[Student] = field(default_factory=list)


def tenant(session: Session, code: str) -> Tenant:
    at = school(session, code)
    leader, teacher = staff(session, "leader", at=at), staff(session, "teacher", at=at)
    other = staff(session, "teacher", at=at, email=f"other.{code}@example.org".lower())
    pupils = [student(session, at, f"{code}-1", first="Mere", last="Tane"),
              student(session, at, f"{code}-2", first="Sione", last="Fifita", year=7)]
    room = group(session, at, "Room 1", teachers=[teacher], students=pupils)
    other_room = group(session, at, "Room 2", teachers=[other])
    return Tenant(at, leader, teacher, other, room, other_room, pupils)
