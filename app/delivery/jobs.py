"""Periodic delivery work on the job queue: hand in and score sittings whose time is up."""

from __future__ import annotations

from huey import crontab

from app.db import get_sessionmaker
from app.delivery import scoring
from app.jobs import queue


@queue.periodic_task(crontab(minute="*"))
def close_due_sittings() -> int:
    """Every minute: submit and score sittings past their time limit or window."""
    with get_sessionmaker()() as session, session.begin():
        return scoring.close_due(session)
