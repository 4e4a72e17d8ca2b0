"""Periodic jobs that run once per period however many schedulers fire them.

Huey's scheduler runs in every consumer with ``periodic=True``: in each web process on the
embedded default, in each ``kete worker`` at scale. Each of them checks the schedules once a
minute (not in step with each other). :func:`each_minute` turns "fire every minute" into
"fire every minute *if this process is the first to claim this minute*": the claim is an
``INSERT … ON CONFLICT DO NOTHING`` of ``(job, minute)`` into ``periodic_run``, so exactly
one scheduler enqueues the job for each minute.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from huey import crontab
from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, dialect_insert, get_sessionmaker, utcnow

log = logging.getLogger(__name__)
KEEP_CLAIMS = timedelta(days=2)


class PeriodicRun(Base):
    """One firing of a periodic job: the scheduler that inserted ``(name, slot)`` first
    enqueued it; any other scheduler firing for the same slot skipped."""

    __tablename__ = "periodic_run"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[datetime] = mapped_column(primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(100))


def claim(name: str, slot: datetime) -> bool:
    """Whether this process is the first to claim ``slot`` of the periodic job ``name``."""
    who = f"{socket.gethostname()}:{os.getpid()}"[:100]
    try:
        with get_sessionmaker()() as session, session.begin():
            inserted = session.execute(dialect_insert(session, PeriodicRun).values(
                name=name, slot=slot, claimed_at=utcnow(), claimed_by=who)
                .on_conflict_do_nothing().returning(PeriodicRun.name)).first()
            session.execute(delete(PeriodicRun).where(PeriodicRun.name == name,
                                                      PeriodicRun.slot < slot - KEEP_CLAIMS))
            return inserted is not None
    except Exception:  # the database is away: skip this period rather than stop the scheduler
        log.exception("could not claim %s for %s", name, slot)
        return False


def each_minute(name: str) -> Callable[[datetime], bool]:
    """A Huey schedule (``validate_datetime``) that fires every minute, claimed per minute."""
    every_minute = crontab(minute="*")

    def validate(timestamp: datetime) -> bool:
        moment = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
        slot = moment.astimezone(UTC).replace(second=0, microsecond=0)
        return bool(every_minute(timestamp)) and claim(name, slot)

    return validate
