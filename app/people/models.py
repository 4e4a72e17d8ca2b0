"""Schools, staff, students, classes, log-in sessions, log-in failures and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Float, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.db import Base, utcnow
from app.people.identifiers import normalise

STAFF_ROLES = ("admin", "leader", "teacher", "psychometrician", "item_writer")
SCHOOL_ROLES = ("leader", "teacher")
"""Roles that belong to one school; the others are bank-wide and have no school."""


class School(Base):
    """A school: the tenant boundary for classes, students and results."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Staff(Base):
    """A staff account; ``school_id`` is empty for bank-wide roles (admin, psychometrician)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School | None] = relationship()


class AuthSession(Base):
    """A staff log-in: a browser session cookie or an API bearer token (only its hash is stored)."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    staff: Mapped[Staff] = relationship()


class_teacher = Table(
    "class_teacher", Base.metadata,
    Column("class_id", ForeignKey("class_group.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
"""Which staff teach which classes (a class may have several teachers)."""

class_student = Table(
    "class_student", Base.metadata,
    Column("class_id", ForeignKey("class_group.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", ForeignKey("student.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
"""Which students are in which classes (a student may be in several groups)."""


class Student(Base):
    """A student of one school; ``student_number`` is the school management system's number.

    Gender, ethnicity and language are optional and only used for group reports. A student
    logs in with their own password (``password_hash``, argon2; empty until a teacher prints
    their log-in card). ``number_key`` is the student number in its log-in normal form
    (:func:`app.people.identifiers.normalise`), unique within the school.
    """

    __tablename__ = "student"
    __table_args__ = (UniqueConstraint("school_id", "student_number"),
                      UniqueConstraint("school_id", "number_key",
                                       name="uq_student_school_id_number_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    student_number: Mapped[str] = mapped_column(String(40))
    number_key: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_set_at: Mapped[datetime | None]
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    year_level: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    classes: Mapped[list[ClassGroup]] = relationship(
        secondary=class_student, back_populates="students", order_by="ClassGroup.name")

    @validates("student_number")
    def _keep_number_key(self, _key: str, number: str) -> str:
        self.number_key = normalise(number)
        return number


class ClassGroup(Base):
    """A class or group of one school for one period (e.g. "Room 12", "2026").

    Its ``access_code`` is a convenience, never a secret that logs anyone in: the log-in
    page it opens names the class and fills in the school code. Only its teachers see it.
    """

    __tablename__ = "class_group"
    __table_args__ = (UniqueConstraint("school_id", "name", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    name: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(40))
    access_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()
    teachers: Mapped[list[Staff]] = relationship(secondary=class_teacher, order_by="Staff.name")
    students: Mapped[list[Student]] = relationship(
        secondary=class_student, back_populates="classes",
        order_by="[Student.last_name, Student.first_name]")


class StudentSession(Base):
    """A student log-in, kept apart from staff log-ins so one can never pass for the other."""

    __tablename__ = "student_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    student: Mapped[Student] = relationship()


class LoginThrottle(Base):
    """Failed log-ins of one key: an account (``account:…``: failures in a row and until when
    the next attempt waits) or an address (``ip:…``: a leaky bucket's level)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    blocked_until: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what, when, from where, to what: every staff write (see app.people.audit)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    actor_role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
