"""A student's data on request: export everything held about them, or delete their identity.

Deleting a student removes the rows that say who they are (the student row, class
memberships, log-ins, log-in failures) and, through the registered modules, everything else
about them (sittings, answers, results). Only what calibration needs stays, de-identified.
Modules that keep rows about students (sittings, results) register
here, once, at import time::

    from app.people import privacy

    def _forget(session: Session, student: Student, pseudonym: str) -> int:
        '''Cut my rows loose from ``student``; return how many were changed.'''
        rows = session.execute(update(Sitting).where(Sitting.student_id == student.id)
                               .values(student_id=None, person_key=pseudonym))
        return rows.rowcount

    privacy.register("sittings", deidentify=_forget, export=_sittings_of)

A de-identifier must leave no row that points at the student or could name them; the
``pseudonym`` (random, the same for every module in one deletion, never stored with the
identity) lets a person's responses stay linked to each other for calibration. An exporter
returns JSON-ready data that goes into the export under its name. Both run in the caller's
transaction: if any fails, nothing is deleted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.people import audit, logins, ratelimit
from app.people.dependencies import Caller
from app.people.models import AuditEvent, LoginThrottle, Student, StudentSession

Deidentifier = Callable[[Session, Student, str], int]
Exporter = Callable[[Session, Student], Any]


@dataclass(frozen=True)
class Hooks:
    """What one module does when a student's data is exported or their identity deleted."""

    deidentify: Deidentifier | None = None
    export: Exporter | None = None


PSEUDONYM_PREFIX = "anon:"
"""How a deleted student's pseudonym starts (so their cut-loose rows can be told apart)."""
HOOKS: dict[str, Hooks] = {}


def register(name: str, *, deidentify: Deidentifier | None = None,
             export: Exporter | None = None) -> None:
    """Register (or replace) a module's hooks under ``name``."""
    HOOKS[name] = Hooks(deidentify=deidentify, export=export)


def export_student(session: Session, *, caller: Caller, student: Student) -> dict[str, Any]:
    """Everything Kete holds about ``student``, as JSON-ready data; the export is audited."""
    data: dict[str, Any] = {
        "format": "kete-student-export", "version": 1, "exported_at": utcnow().isoformat(),
        "student": _identity(student),
        "classes": [{"name": g.name, "period": g.period} for g in student.classes],
        "log_ins": [{"started_at": s.created_at.isoformat(), "kind": s.kind,
                     "expires_at": s.expires_at.isoformat()}
                    for s in session.scalars(select(StudentSession).where(
                        StudentSession.student_id == student.id))],
        "failed_log_ins": _throttle(session, student),
        "audit_events": _events_about(session, student),
    }
    for name, hooks in sorted(HOOKS.items()):
        if hooks.export is not None:
            data[name] = hooks.export(session, student)
    audit.record(session, actor=caller, action="student.export",
                 target=f"student:{student.id}", school_id=student.school_id)
    return data


def delete_student(session: Session, *, caller: Caller, student: Student) -> dict[str, int]:
    """Remove the student's identity; registered modules de-identify their rows first."""
    pseudonym = PSEUDONYM_PREFIX + secrets.token_hex(8)
    counts = {name: hooks.deidentify(session, student, pseudonym)
              for name, hooks in sorted(HOOKS.items()) if hooks.deidentify is not None}
    counts["class_memberships"] = len(student.classes)
    student.classes.clear()
    counts["log_ins"] = _delete(session, delete(StudentSession).where(
        StudentSession.student_id == student.id))
    school_code = student.school.code
    ratelimit.clear(session, key=ratelimit.account_key(
        "student", logins.student_account(school_code, student.student_number)))
    target, school_id = f"student:{student.id}", student.school_id
    session.delete(student)
    session.flush()
    audit.record(session, actor=caller, action="student.delete", target=target,
                 detail={"removed": counts}, school_id=school_id)
    return counts


def _delete(session: Session, statement: Any) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def _throttle(session: Session, student: Student) -> dict[str, Any] | None:
    row = session.get(LoginThrottle, ratelimit.account_key(
        "student", logins.student_account(student.school.code, student.student_number)))
    if row is None:
        return None
    return {"failures_in_a_row": int(row.failures), "last_at": row.updated_at.isoformat(),
            "next_try_after": row.blocked_until.isoformat() if row.blocked_until else None}


def _identity(student: Student) -> dict[str, Any]:
    return {"student_number": student.student_number, "school": student.school.code,
            "first_name": student.first_name, "last_name": student.last_name,
            "year_level": student.year_level, "gender": student.gender,
            "ethnicity": student.ethnicity, "language": student.language,
            "password_set_at": (student.password_set_at.isoformat()
                                if student.password_set_at else None),
            "created_at": student.created_at.isoformat(),
            "updated_at": student.updated_at.isoformat()}


def _events_about(session: Session, student: Student) -> list[dict[str, Any]]:
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.target == f"student:{student.id}").order_by(AuditEvent.id))
    return [{"at": e.occurred_at.isoformat(), "action": e.action, "by": e.actor}
            for e in events]
