"""Who is writing in this transaction: set by the policy dependency, read by the audit trail.

Every request of a staff member marks its database session with an :class:`AuditContext`
(who, from where, which route). :mod:`app.people.audit` watches the session's writes and, when
the transaction commits, records one event for them unless the code already recorded a more
specific one; so every staff write is audited without each service remembering to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

KEY = "kete_audit"


@dataclass
class AuditContext:
    """The staff caller behind the current transaction and what it has changed so far."""

    actor_id: int
    actor: str
    actor_role: str
    school_id: int | None
    address: str | None
    route: str  # e.g. "POST /api/v1/classes/{class_id}/students/{student_id}"
    params: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    recorded: bool = False  # a specific event was recorded in this transaction

    def note(self, table: str, what: str, n: int = 1) -> None:
        counts = self.changes.setdefault(table, {})
        counts[what] = counts.get(what, 0) + n


def watch(session: Session, context: AuditContext) -> None:
    """Mark ``session``'s transaction as the work of ``context``'s caller."""
    session.info[KEY] = context


def current(session: Session) -> AuditContext | None:
    return session.info.get(KEY)


def forget(session: Session) -> AuditContext | None:
    return session.info.pop(KEY, None)
