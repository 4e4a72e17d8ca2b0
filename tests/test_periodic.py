"""Periodic jobs run once per minute however many schedulers fire (every web process on the
embedded default, every ``kete worker`` at scale): the claim is made in the database."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app import db
from app.jobs import queue, register_tasks
from app.periodic import PeriodicRun, each_minute


def _at_once(n: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i < n in n threads released together; their results in order."""
    start, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        start.wait()
        results[i] = work(i)  # type: ignore[call-overload]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_each_minute_is_claimed_by_exactly_one_of_many_schedulers(
        use_database: Callable[..., None]) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    validate = each_minute(name)
    minute = datetime(2026, 11, 30, 10, 5)  # Huey passes naive UTC times
    # six schedulers, started at different seconds, each checking once in this minute
    first = _at_once(6, lambda i: validate(minute + timedelta(seconds=7 * i)))
    second = _at_once(6, lambda i: validate(minute + timedelta(minutes=1, seconds=9 * i)))
    assert first.count(True) == 1 and second.count(True) == 1
    with db.get_sessionmaker()() as session:
        assert session.scalar(select(func.count()).select_from(PeriodicRun).where(
            PeriodicRun.name == name)) == 2


def test_two_huey_schedulers_enqueue_the_close_due_job_once_per_minute(
        use_database: Callable[..., None]) -> None:
    register_tasks()
    tick = datetime(2031, 1, 1, 8, 0, 30)
    fired = _at_once(2, lambda i: [t.name for t in queue.read_periodic(tick)])
    names = [n for found in fired for n in found]  # type: ignore[attr-defined]
    assert sum(n.endswith("close_due_sittings") for n in names) == 1
    later = [t.name for t in queue.read_periodic(tick + timedelta(minutes=1))]
    assert sum(n.endswith("close_due_sittings") for n in later) == 1
