"""Logging in, rate limited: staff with e-mail and password, students with codes.

A student logs in with their school's code, their student number and the access code of a
class they are in; there is no e-mail or password. Every failure is counted against the
account and the caller's address (see :mod:`app.people.ratelimit`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.config import get_settings
from app.db import utcnow
from app.errors import NotAuthenticated
from app.people import ratelimit, service
from app.people.models import ClassGroup, School, Staff, Student, StudentSession, class_student
from app.people.security import digest, new_token

STUDENT_REFUSAL = "School code, student number or class code is not right."


def staff_login(session: Session, *, email: str, password: str, address: str | None) -> Staff:
    """The staff member with these credentials; failures count towards a lock-out."""
    keys = [ratelimit.account_key("staff", email), ratelimit.address_key(address)]
    ratelimit.check(session, keys=keys)
    try:
        staff = service.authenticate(session, email=email, password=password)
    except NotAuthenticated:
        ratelimit.record_failure(session, keys=keys)
        raise
    ratelimit.clear(session, key=keys[0])
    return staff


def student_login(session: Session, *, school_code: str, student_number: str,
                  class_code: str, address: str | None) -> tuple[Student, ClassGroup]:
    """The student and the class whose code they gave; failures count towards a lock-out."""
    account = f"{school_code.strip()}:{student_number.strip()}"
    keys = [ratelimit.account_key("student", account), ratelimit.address_key(address)]
    ratelimit.check(session, keys=keys)
    found = _find_student(session, school_code=school_code, student_number=student_number,
                          class_code=class_code)
    if found is None:
        ratelimit.record_failure(session, keys=keys)
        raise NotAuthenticated(STUDENT_REFUSAL)
    ratelimit.clear(session, key=keys[0])
    return found


def _find_student(session: Session, *, school_code: str, student_number: str,
                  class_code: str) -> tuple[Student, ClassGroup] | None:
    row = session.execute(
        select(Student, ClassGroup)
        .join(School, School.id == Student.school_id)
        .join(class_student, class_student.c.student_id == Student.id)
        .join(ClassGroup, ClassGroup.id == class_student.c.class_id)
        .where(School.code == school_code.strip().upper(),
               Student.student_number == student_number.strip(),
               ClassGroup.access_code == class_code.strip().upper(),
               ClassGroup.school_id == Student.school_id)
    ).first()
    return None if row is None else (row[0], row[1])


def start_student_session(session: Session, *, student: Student, group: ClassGroup,
                          kind: str) -> tuple[str, StudentSession]:
    """Open a student log-in (``cookie`` or ``bearer``); returns the raw token once."""
    token = new_token()
    login = StudentSession(
        token_hash=digest(token), kind=kind, student=student, class_id=group.id,
        csrf_token=new_token(),
        expires_at=utcnow() + timedelta(hours=get_settings().session_hours))
    session.add(login)
    session.flush()
    return token, login


def resolve_student(session: Session, *, token: str, kind: str) -> StudentSession | None:
    """The live student log-in for a raw token, or None if unknown or expired."""
    login = session.scalar(
        select(StudentSession).options(joinedload(StudentSession.student))
        .where(StudentSession.token_hash == digest(token), StudentSession.kind == kind))
    if login is None:
        return None
    return login if login.expires_at >= datetime.now(UTC) else None


def end_student_session(session: Session, *, token: str) -> None:
    session.execute(delete(StudentSession).where(StudentSession.token_hash == digest(token)))
