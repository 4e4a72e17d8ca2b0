"""Schools, staff accounts and staff log-in sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from app.people import identifiers
from app.people.models import STAFF_ROLES, AuthSession, School, Staff
from app.people.security import (
    digest,
    hash_password,
    new_token,
    spend_verification_time,
    verify_password,
)


def get_or_create_school(session: Session, *, code: str, name: str) -> School:
    """The school with ``code``, created if absent."""
    code = identifiers.school_code(code)
    school = session.scalar(select(School).where(School.code == code))
    if school is None:
        school = School(code=code, name=name)
        session.add(school)
        session.flush()
    return school


def get_school(session: Session, *, code: str) -> School:
    """The school with ``code`` (any case), or NotFound."""
    school = session.scalar(select(School).where(School.code == identifiers.school_code(code)))
    if school is None:
        raise NotFound(f"No school with code {code!r}.")
    return school


def get_all_schools(session: Session) -> list[School]:
    return list(session.scalars(select(School).order_by(School.code)))


def create_school(session: Session, *, code: str, name: str) -> School:
    """A new school; codes are unique and stored in capitals."""
    if session.scalar(select(School.id).where(School.code == identifiers.school_code(code))):
        raise Conflict(f"A school with code {identifiers.school_code(code)!r} already exists.")
    return get_or_create_school(session, code=code, name=name)


def update_school(session: Session, *, school: School, name: str) -> School:
    school.name = name
    session.flush()
    return school


def create_staff(
    session: Session, *, email: str, name: str, role: str, password: str,
    school: School | None = None,
) -> Staff:
    """A new staff account with an argon2-hashed password (e-mail in log-in normal form).

    An address already in use is refused without saying where: staff of one school must not
    learn who has an account at another.
    """
    if role not in STAFF_ROLES:
        raise InvalidInput(f"Unknown role {role!r}; use one of {', '.join(STAFF_ROLES)}.")
    email = identifiers.normalise(email)
    if session.scalar(select(Staff.id).where(Staff.email == email)):
        raise Conflict("This e-mail address cannot be used for a new account. If the person "
                       "already has a Kete account, ask Kete's administrator.")
    staff = Staff(email=email, name=name, role=role, school=school,
                  password_hash=hash_password(password))
    session.add(staff)
    session.flush()
    return staff


def authenticate(session: Session, *, email: str, password: str) -> Staff:
    """The active staff member with these credentials, or NotAuthenticated.

    Unknown, inactive and wrong-password accounts cost one argon2 verification each and get
    the same words, so the answer says nothing about which accounts exist.
    """
    staff = session.scalar(select(Staff).where(Staff.email == identifiers.normalise(email)))
    if staff is None:
        spend_verification_time(password)
        raise NotAuthenticated(STAFF_REFUSAL)
    if not verify_password(staff.password_hash, password) or not staff.is_active:
        raise NotAuthenticated(STAFF_REFUSAL)
    return staff


STAFF_REFUSAL = "E-mail or password is not right."


def start_session(session: Session, *, staff: Staff, kind: str) -> tuple[str, AuthSession]:
    """Open a log-in of ``kind`` (``cookie`` or ``bearer``); returns the raw token once."""
    token = new_token()
    expires = utcnow() + timedelta(hours=get_settings().session_hours)
    auth = AuthSession(token_hash=digest(token), kind=kind, staff=staff,
                       csrf_token=new_token(), expires_at=expires)
    session.add(auth)
    session.flush()
    return token, auth


def resolve(session: Session, *, token: str, kind: str) -> AuthSession | None:
    """The live log-in for a raw token, or None if unknown or expired."""
    auth = session.scalar(
        select(AuthSession).options(joinedload(AuthSession.staff))
        .where(AuthSession.token_hash == digest(token), AuthSession.kind == kind)
    )
    if auth is None:
        return None
    if auth.expires_at < utcnow() or not auth.staff.is_active:
        return None
    return auth


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.token_hash == digest(token)))


def end_login(session: Session, *, login: AuthSession) -> None:
    """End one log-in (log-out, or revoking a bearer token)."""
    session.execute(delete(AuthSession).where(AuthSession.id == login.id))


def end_all_sessions(session: Session, *, staff: Staff, keep: AuthSession | None = None
                     ) -> int:
    """End every log-in of ``staff`` but ``keep`` (after a password change, reset or
    deactivation): browser sessions and bearer tokens alike; how many."""
    query = delete(AuthSession).where(AuthSession.staff_id == staff.id)
    if keep is not None:
        query = query.where(AuthSession.id != keep.id)
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
