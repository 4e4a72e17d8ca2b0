"""Moments in time are aware UTC datetimes everywhere, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from app.db import Base, UTCDateTime
from app.people.models import School

NZDT = timezone(timedelta(hours=13))


def test_every_datetime_column_is_a_utc_datetime() -> None:
    columns = [c for t in Base.metadata.tables.values() for c in t.columns]
    assert [f"{c.table.name}.{c.name}" for c in columns if isinstance(c.type, DateTime)] == []
    assert sum(isinstance(c.type, UTCDateTime) for c in columns) > 10


def test_moments_are_stored_as_utc_and_read_back_aware(session: Session) -> None:
    school = School(code="TZ-1", name="Time zones")
    session.add(school)
    session.flush()
    created = school.created_at
    assert created.tzinfo is not None
    school.created_at = datetime(2026, 3, 2, 9, 30, tzinfo=NZDT)  # 20:30 UTC the day before
    assert school.created_at == datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
    assert school.created_at.utcoffset() == timedelta(0)
    session.flush()
    session.expire_all()
    read = session.scalar(select(School.created_at).where(School.code == "TZ-1"))
    assert read == datetime(2026, 3, 1, 20, 30, tzinfo=UTC) and read.utcoffset() == timedelta(0)
    later = session.scalar(select(School).where(School.created_at > datetime(
        2026, 3, 1, 20, 0, tzinfo=UTC)))
    assert later is not None and later.code == "TZ-1"


def test_a_naive_moment_is_taken_as_utc(session: Session) -> None:
    school = School(code="TZ-2", name="Naive", created_at=datetime(2026, 5, 1, 12, 0))
    assert school.created_at == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    session.add(school)
    session.flush()
    session.expire_all()
    assert session.get(School, school.id).created_at == datetime(2026, 5, 1, 12, tzinfo=UTC)
