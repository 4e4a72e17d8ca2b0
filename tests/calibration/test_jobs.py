"""Calibration runs on the real job queue (Huey, SQLite file) with a worker thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from app import config, db
from app.calibration import jobs, runs
from app.calibration.analysis import RunData
from app.calibration.models import CalibrationRun
from app.db import utcnow
from app.jobs import queue, start_embedded_worker
from app.migrate import upgrade
from tests.calibration.test_runs import _bank, _request, _responses


@pytest.fixture
def committed_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A real database file the worker thread can see (tests' rollback sessions can't be)."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("KETE_DATABASE_URL", url)
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    upgrade(url)
    yield
    db.get_engine().dispose()
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


def _wait_for(run_id: int, states: tuple[str, ...], seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with db.get_sessionmaker()() as session:
            status = runs.get(session, run_id=run_id).status
        if status in states:
            return status
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still not in {states} after {seconds} s")


def test_runs_execute_on_the_worker_and_interrupted_runs_resume(committed_db: None) -> None:
    rng = np.random.default_rng(11)
    with db.get_sessionmaker()() as session:
        truth = _bank(session, rng)
        _responses(session, truth, rng, n=800)
        first = _request(session, "queued")
        crashed = _request(session, "crashed")
        # as if a web process died while running it: running, heartbeat long ago
        crashed.status, crashed.heartbeat_at = "running", utcnow() - timedelta(hours=1)
        session.commit()
        first_id, crashed_id = first.id, crashed.id
    queue.flush()  # jobs other tests in this process enqueued belong to their databases
    consumer = start_embedded_worker()
    try:
        jobs.enqueue(first_id)
        assert _wait_for(first_id, ("succeeded", "failed")) == "succeeded"
        assert crashed_id in jobs.recover_interrupted()
        assert _wait_for(crashed_id, ("succeeded", "failed")) == "succeeded"
        jobs.enqueue(first_id)  # a duplicate job for a finished run changes nothing
        time.sleep(1.0)
        assert _wait_for(first_id, ("succeeded",)) == "succeeded"
    finally:
        consumer.stop(graceful=True)


def test_loading_a_runs_responses_holds_no_write_lock(committed_db: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """While a run loads its responses (a minute on a big bank) others can still write: a
    teacher logs in, a student's answer is saved. Found on the demo: the load held SQLite's
    write lock, so every log-in in that minute waited 10 s and got 'Kete is busy'."""
    rng = np.random.default_rng(12)
    with db.get_sessionmaker()() as session:
        truth = _bank(session, rng)
        _responses(session, truth, rng, n=300)
        run_id = _request(session, "while others write").id
        session.commit()
    load_data = runs.load_data
    wrote: list[bool] = []

    def load_and_meanwhile_write(session: Session, run: CalibrationRun) -> RunData:
        data = load_data(session, run)  # the loading session is still open here
        with db.get_engine().connect() as other:
            other.exec_driver_sql("PRAGMA busy_timeout = 200")
            other.exec_driver_sql("UPDATE calibration_run SET label = label WHERE id = ?",
                                  (run_id,))  # BEGIN IMMEDIATE: needs the write lock
            other.commit()
            wrote.append(True)
        return data

    monkeypatch.setattr(runs, "load_data", load_and_meanwhile_write)
    runs.execute(db.get_sessionmaker(), run_id)
    with db.get_sessionmaker()() as session:
        run = runs.get(session, run_id=run_id)
        assert run.status == "succeeded", run.message
    assert wrote == [True]
