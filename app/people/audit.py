"""The audit trail: who did what, when, to what, for sensitive actions.

Call :func:`record` in the same transaction as the action, so an action that rolls back
leaves no event and an event never goes missing for an action that happened. Record:
calibration approval/activation, item retirement, result changes, exports of student data,
password resets and student deletions. ``school_id`` says which school's leaders may read
the event; bank-wide events (calibrations, items) have none and only admins read them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.people.dependencies import Caller
from app.people.models import AuditEvent
from app.people.policy import school_clause


def record(session: Session, *, actor: Caller | None, action: str, target: str,
           detail: dict[str, Any] | None = None, school_id: int | None = None) -> AuditEvent:
    """Add one event (``actor`` None means the system itself)."""
    event = AuditEvent(
        actor_id=actor.staff.id if actor is not None and actor.staff is not None else None,
        actor=actor.label if actor is not None else "system",
        actor_role=actor.role if actor is not None else "system",
        school_id=school_id, action=action, target=target, detail=detail or {})
    session.add(event)
    session.flush()
    return event


def get_all(session: Session, *, caller: Caller, action: str | None = None,
            since: datetime | None = None, limit: int = 100) -> list[AuditEvent]:
    """The newest events the caller may read: all for admins, their school's for leaders."""
    query = select(AuditEvent).where(school_clause(caller, AuditEvent.school_id))
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    order = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))
