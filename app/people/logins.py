"""Logging in, throttled: staff with e-mail and password, students with their own password.

A student logs in with their school's code, their student number and their own password
(printed on the log-in card their teacher gives them; see :mod:`app.people.student_passwords`).
A class code is never a secret that logs anyone in.

Unknown accounts, inactive accounts, students without a password and wrong passwords all
take one argon2 verification and get the same answer, so neither the wording nor the time
tells anyone which accounts exist. Every failure is counted (see :mod:`app.people.ratelimit`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.config import get_settings
from app.db import utcnow
from app.errors import NotAuthenticated
from app.people import identifiers, ratelimit, service, student_passwords
from app.people.models import School, Staff, Student, StudentSession
from app.people.security import digest, new_token, spend_verification_time, verify_password

STUDENT_REFUSAL = "School code, student number or password is not right."


def staff_login(session: Session, *, email: str, password: str, address: str | None) -> Staff:
    """The staff member with these credentials; failures slow the account and address."""
    keys = ratelimit.keys_for("staff", email, address)
    ratelimit.claim(session, keys)
    try:
        staff = service.authenticate(session, email=email, password=password)
    except NotAuthenticated:
        ratelimit.record_failure(session, keys)
        raise
    ratelimit.clear(session, key=keys.account)
    return staff


def student_account(school_code: str, student_number: str) -> str:
    """The name a student's log-in is throttled under (both parts in log-in normal form)."""
    return f"{identifiers.school_code(school_code)}:{identifiers.normalise(student_number)}"


def student_login(session: Session, *, school_code: str, student_number: str, password: str,
                  address: str | None) -> Student:
    """The student with this number and password; failures slow the account and address."""
    keys = ratelimit.keys_for("student", student_account(school_code, student_number), address)
    ratelimit.claim(session, keys)
    student = session.scalar(
        select(Student).options(joinedload(Student.school)).join(School)
        .where(School.code == identifiers.school_code(school_code),
               Student.number_key == identifiers.normalise(student_number)))
    typed = student_passwords.normalise(password)
    if student is None or student.password_hash is None:
        spend_verification_time(typed, student=True)
        ok = False
    else:
        ok = verify_password(student.password_hash, typed)
    if not ok or student is None:
        ratelimit.record_failure(session, keys)
        raise NotAuthenticated(STUDENT_REFUSAL)
    ratelimit.clear(session, key=keys.account)
    return student


def start_student_session(session: Session, *, student: Student,
                          kind: str) -> tuple[str, StudentSession]:
    """Open a student log-in (``cookie`` or ``bearer``); returns the raw token once."""
    token = new_token()
    login = StudentSession(
        token_hash=digest(token), kind=kind, student=student, csrf_token=new_token(),
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
    return login if login.expires_at >= utcnow() else None


def end_student_session(session: Session, *, token: str) -> None:
    session.execute(delete(StudentSession).where(StudentSession.token_hash == digest(token)))


def end_student_login(session: Session, *, login: StudentSession) -> None:
    """End one student log-in (log-out, or revoking a bearer token)."""
    session.execute(delete(StudentSession).where(StudentSession.id == login.id))


def end_student_sessions(session: Session, *, student: Student) -> int:
    """End every log-in of ``student`` (after their password is reset); how many."""
    result = session.execute(delete(StudentSession).where(
        StudentSession.student_id == student.id))
    return int(getattr(result, "rowcount", 0) or 0)
