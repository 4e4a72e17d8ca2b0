"""The audit trail: who did what, when, from where, to what — every staff write.

**Every write.** The policy dependency marks each staff request's session
(:mod:`app.people.audit_context`); this module watches what the session inserts, updates
and deletes and, when the transaction commits, records one ``write`` event naming the route,
its parameters and the rows changed by table, unless the code recorded a specific event in
the same transaction. Nothing a staff member changes goes unrecorded, whichever service
changed it; a transaction that rolls back records nothing.

**Specific events.** Call :func:`record` in the same transaction as the action for the ones
worth naming (calibration approval/activation, item retirement, password resets, exports
and deletions of student data, class passwords). ``school_id`` says which school's leaders
may read the event; bank-wide events (calibrations, items) have none and only admins read
them. Events carry the caller's address.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.people import audit_context
from app.people.dependencies import Caller
from app.people.models import AuditEvent
from app.people.policy import school_clause

IGNORED = frozenset({"audit_event", "login_throttle", "report_pdf"})
"""Tables whose writes are not events themselves: the trail, log-in throttling, and the cache
of printed report PDFs (opening a report's PDF is a read, like opening its page)."""


def record(session: Session, *, actor: Caller | None, action: str, target: str,
           detail: dict[str, Any] | None = None, school_id: int | None = None) -> AuditEvent:
    """Add one event (``actor`` None means the system itself)."""
    context = audit_context.current(session)
    event = AuditEvent(
        actor_id=actor.staff.id if actor is not None and actor.staff is not None else None,
        actor=actor.label if actor is not None else "system",
        actor_role=actor.role if actor is not None else "system",
        address=context.address if context is not None else None,
        school_id=school_id, action=action, target=target, detail=detail or {})
    session.add(event)
    session.flush()
    if context is not None:
        context.recorded = True
    return event


@event.listens_for(Session, "after_flush")
def _count_rows(session: Session, _flush_context: Any) -> None:
    context = audit_context.current(session)
    if context is None:
        return
    for what, rows in (("inserted", session.new), ("updated", session.dirty),
                       ("deleted", session.deleted)):
        for row in rows:
            table = getattr(row, "__tablename__", None)
            if table and table not in IGNORED and (what != "updated"
                                                   or session.is_modified(row)):
                context.note(table, what)


@event.listens_for(Session, "do_orm_execute")
def _count_statements(state: ORMExecuteState) -> None:
    context = audit_context.current(state.session)
    if context is None or not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name and name not in IGNORED:
        context.note(name, "changed (bulk)")


@event.listens_for(Session, "before_commit")
def _record_writes(session: Session) -> None:
    context = audit_context.forget(session)
    if context is None or context.recorded or not context.changes:
        return
    session.add(AuditEvent(
        actor_id=context.actor_id, actor=context.actor, actor_role=context.actor_role,
        address=context.address, school_id=context.school_id, action="write",
        target=context.route[:200],
        detail={"params": {k: str(v)[:100] for k, v in context.params.items()},
                "changes": context.changes}))


@event.listens_for(Session, "after_rollback")
def _drop_context(session: Session) -> None:
    audit_context.forget(session)


def as_csv(events: list[AuditEvent]) -> str:
    """The events as CSV (one line each, detail as JSON) for a leader's records."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "occurred_at", "actor", "actor_role", "address", "action",
                     "target", "detail"])
    writer.writerows([e.id, e.occurred_at.isoformat(), e.actor, e.actor_role, e.address or "",
                      e.action, e.target, json.dumps(e.detail, ensure_ascii=False)]
                     for e in events)
    return out.getvalue()


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
