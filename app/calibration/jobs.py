"""Calibration runs as background jobs on the project's Huey queue."""

from __future__ import annotations

from app.calibration import runs
from app.db import get_sessionmaker
from app.jobs import queue


@queue.task()
def run_calibration(run_id: int) -> None:
    """Execute one calibration run (idempotent: a finished or claimed run is left alone)."""
    runs.execute(get_sessionmaker(), run_id)


def enqueue(run_id: int) -> None:
    run_calibration(run_id)


def recover_interrupted() -> list[int]:
    """Re-enqueue runs whose worker went away (e.g. the web process restarted)."""
    with get_sessionmaker()() as session:
        ids = [run.id for run in runs.interrupted(session)]
    for run_id in ids:
        enqueue(run_id)
    return ids
