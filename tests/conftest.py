"""Shared fixtures: real databases migrated by Alembic, a transaction per test, an API client.

Every database test runs on SQLite and, when ``KETE_TEST_DATABASE_URL`` points at PostgreSQL,
on PostgreSQL too. In CI (``CI=true``) a missing PostgreSQL is an error, never a silent skip.
"""

from __future__ import annotations

import os
import tempfile

# Tests run jobs explicitly; the app must not start a worker on a shared queue file.
os.environ.setdefault("KETE_INPROCESS_WORKER", "false")
# Every test process has a job queue of its own, always (not setdefault): pytest-xdist's
# workers inherit the environment of the controller, which imported this file first, so a
# default set there gave every worker one queue file. A worker's consumer then ran (and
# lost) another worker's jobs against its own database, and a worker's `queue.flush()`
# deleted the other's pending jobs: hand-ins left "submitted", calibration runs left
# "queued". Never a developer's KETE_QUEUE_URL either: tests flush the queue.
os.environ["KETE_QUEUE_URL"] = (
    f"sqlite:///{tempfile.mkdtemp(prefix=f'kete-test-jobs-{os.getpid()}-')}/jobs.db")
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from app.db import end_step, get_session, make_engine
from app.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_url(worker: str) -> str | None:
    """A per-worker PostgreSQL database derived from ``KETE_TEST_DATABASE_URL`` (made if absent)."""
    base = os.environ.get("KETE_TEST_DATABASE_URL")
    if not base:
        return None
    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _migrated(backend: str, tmp_path_factory: pytest.TempPathFactory, folder: str,
              pg_name: str) -> str:
    """The URL of an empty, migrated database: a new SQLite file, or the PostgreSQL database
    ``pg_name`` emptied (skipped without PostgreSQL; an error in CI, which must run it)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(folder) / 'kete.db'}"
    else:
        found = postgres_url(pg_name)
        if found is None:
            message = "PostgreSQL tests need KETE_TEST_DATABASE_URL (CI sets it)"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        url = found
        _reset_postgres(url)
    upgrade(url)
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           worker_id: str) -> Iterator[Engine]:
    """A freshly migrated database of each backend, shared by the tests of this worker."""
    engine = make_engine(_migrated(request.param, tmp_path_factory, "db", worker_id))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def committed_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  worker_id: str) -> Iterator[str]:
    """A migrated database of each backend whose commits are real, for tests of what
    happens between transactions (concurrent saves, jobs, the request path). Shared by the
    tests of a module: they make rows with names of their own."""
    yield _migrated(request.param, tmp_path_factory, "committed", f"{worker_id}_committed")


@pytest.fixture(scope="module")
def banked(committed_url: str) -> str:
    """``committed_url`` holding the small calibrated bank of the delivery tests, once per
    module."""
    from tests.delivery import builders

    engine = make_engine(committed_url)
    with Session(engine) as session:
        builders.bank(session)
        session.commit()
    engine.dispose()
    return committed_url


@pytest.fixture
def use_database(committed_url: str, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[Callable[..., None]]:
    """Point the app's settings at ``committed_url`` (and any other ``KETE_*`` settings
    given, e.g. ``threads=1``); the engine is rebuilt from them and disposed afterwards."""
    from app import db

    def configure(**settings: object) -> None:
        monkeypatch.setenv("KETE_DATABASE_URL", committed_url)
        for name, value in settings.items():
            monkeypatch.setenv(f"KETE_{name.upper()}", str(value))
        _forget_settings()

    configure()
    yield configure
    db.get_engine().dispose()
    monkeypatch.undo()
    _forget_settings()


def _forget_settings() -> None:
    from app import config, db

    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint",
                 expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """The app, each request's steps in savepoints of the test's transaction."""
    from app.main import create_app

    app = create_app()

    def _request_session() -> Iterator[Session]:
        # The test's rows so far join the outer transaction; the request's steps then
        # commit (release) or roll back savepoints of their own, as they would in production.
        session.commit()
        session.info.pop("kete_handler_done", None)  # the previous request's, not this one's
        try:
            yield session
        except BaseException:
            if session.in_transaction():
                session.rollback()
            raise
        end_step(session)

    app.dependency_overrides[get_session] = _request_session
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """xdist's worker name (``gw0``…) or ``main`` when not distributed."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    return worker or "main"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """In CI a skipped test is a failure: everything the suite checks must run there."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run everything: {report.longrepr}"
