"""Delivery's background jobs: scoring hand-ins, and the every-minute close-due sweep."""

from __future__ import annotations

from app.db import get_sessionmaker
from app.delivery import scoring
from app.jobs import each_minute, queue


@queue.task(retries=3, retry_delay=5)
def score_sitting(sitting_id: int) -> None:
    """Mark and score one handed-in sitting (queued by the hand-in once it commits)."""
    with get_sessionmaker()() as session, session.begin():
        scoring.score_handed_in(session, sitting_id=sitting_id)


@queue.periodic_task(each_minute("close-due-sittings"))
def close_due_sittings() -> int:
    """Every minute, in exactly one process: hand in sittings past their time limit or
    window, and re-queue hand-ins whose scoring job was lost."""
    with get_sessionmaker()() as session, session.begin():
        return scoring.close_due(session, scoring="queued")
