"""Background jobs on Huey: a SQLite-file queue embedded, Redis when Kete scales out.

Scoring hand-ins, calibration runs and bulk PDFs go through here. On the embedded default each
web process runs worker threads itself; at scale, ``kete worker`` processes consume the same
Redis queue and the web processes run none (``KETE_INPROCESS_WORKER=false``).

Two rules every job follows:

- **Enqueued after commit** (:func:`after_commit`): a job never runs before the rows it works
  on are visible, and a request that rolls back enqueues nothing. If the queue cannot be
  reached then, the work is not lost: each job has a database sweep that finds what was left
  (e.g. handed-in sittings without a result).
- **Periodic jobs run once per period however many schedulers there are**
  (:func:`app.periodic.each_minute`): every scheduler (each web process on the embedded
  default, each ``kete worker``) fires the schedule, but only the one that first inserts the
  row ``(job, minute)`` into ``periodic_run`` enqueues the job; the rest find it and skip.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.consumer import Consumer
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.config import get_settings
from app.periodic import each_minute

__all__ = ["after_commit", "each_minute", "queue", "start_embedded_worker"]

log = logging.getLogger(__name__)
MAX_POLL_DELAY = 1.0
"""Longest an idle worker waits between looks at a SQLite queue (Huey backs off up to 10 s
by default, which would leave a hand-in unscored that long); Redis queues block instead."""


def build_queue(url: str) -> Huey:
    """A Huey instance for ``redis://…`` or ``sqlite:///path`` (the default)."""
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("kete", url=url)
    path = url.removeprefix("sqlite:///")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("kete", filename=path)


queue = build_queue(get_settings().queue_url)


# --- enqueue after commit ---------------------------------------------------------------

def after_commit(session: Session, task: TaskWrapper, *args: Any) -> None:
    """Enqueue ``task(*args)`` once ``session``'s transaction commits (never if it rolls
    back)."""
    session.info.setdefault("kete_jobs", []).append((task, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for task, args in session.info.pop("kete_jobs", []):
        try:
            task(*args)
        except Exception:  # the queue is down: the job's sweep will find the work
            log.exception("could not enqueue %s%r; its periodic sweep will", task.name, args)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("kete_jobs", None)


# --- consumers -----------------------------------------------------------------------------

def register_tasks() -> None:
    """Import the modules that define tasks, so a consumer knows every task by name."""
    import app.calibration.jobs
    import app.delivery.jobs
    import app.reports.jobs  # noqa: F401


class EmbeddedConsumer(Consumer):
    """A consumer that runs inside another program: it leaves that program's signal
    handlers alone (uvicorn's Ctrl-C handling must keep working)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_worker(workers: int = 1) -> EmbeddedConsumer:
    """Start worker threads (and the periodic scheduler) in this process; call
    ``stop(graceful=True)`` on shutdown."""
    register_tasks()
    consumer = EmbeddedConsumer(queue, workers=workers, worker_type="thread", periodic=True,
                                max_delay=MAX_POLL_DELAY)
    consumer.start()
    return consumer
