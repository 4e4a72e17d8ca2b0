"""Database engine, sessions and the declarative base shared by every domain's models.

**How a request uses the database.** A request's work runs in *steps*: each synchronous
dependency and the synchronous handler run in a worker thread of their own, one after the
other, with awaits (waiting for a free thread) in between. A step that touches the database
finishes its transaction before its thread returns — dependencies that read call
:func:`end_step`; handlers are wrapped by :class:`StepRoute`, which commits (or rolls back)
in the handler's own thread — so a connection is never held across an await or a thread
hand-off. (Holding one there let 40 threads wait for a pool whose every connection belonged
to a request waiting for a thread: issue 9.) A pool as large as the threads that can use it
(``Settings.pool_size``) means no thread waits for a connection; if one ever must wait
longer than ``KETE_DB_POOL_TIMEOUT``, the request is answered 503 with ``Retry-After``.

On SQLite, transactions that may write begin ``IMMEDIATE``: they take the write lock before
their first read, so a write can never fail on a stale snapshot ("database is locked"), and
readers (GET requests) begin deferred and run beside them (WAL).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, ClassVar

import anyio
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapper, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.config import get_settings

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
READ_ONLY = {"kete_read_only": True}
"""Execution options of a session that only reads (SQLite: a deferred BEGIN)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    """Timezone-aware now, the only clock models use."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC, timezone-aware; a naive value is taken to be UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored as UTC and always timezone-aware (UTC) in Python.

    PostgreSQL keeps the zone; SQLite keeps none and handed back naive datetimes, which broke
    comparisons with :func:`utcnow`. A naive value is taken to be UTC. Every model's
    ``Mapped[datetime]`` column has this type, and values assigned to such an attribute are
    made aware at once (see ``_aware_on_set``), so code never meets a naive moment.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        return as_utc(value)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        """Moments compare as moments; ``column - timedelta`` stays date arithmetic."""
        return self if isinstance(value, datetime) else self.impl_instance.coerce_compared_value(
            op, value)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention so migrations stay stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {
        dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime(),
    }


@event.listens_for(Mapper, "mapper_configured")
def _aware_on_set(mapper: Mapper[Any], cls: type) -> None:
    """Make every value assigned to a UTCDateTime attribute aware before anyone reads it."""
    for prop in mapper.column_attrs:
        if any(isinstance(getattr(c, "type", None), UTCDateTime) for c in prop.columns):
            event.listen(getattr(cls, prop.key), "set",
                         lambda _target, value, _old, _initiator: as_utc(value), retval=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the configured pool; SQLite gets WAL, foreign keys, a busy
    time-out and BEGIN IMMEDIATE for transactions that may write."""
    settings = get_settings()
    pool = {"pool_size": settings.pool_size, "max_overflow": 0,
            "pool_timeout": settings.db_pool_timeout, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") == "sqlite:"
        engine = create_engine(url, **({} if memory else pool), connect_args={
            "check_same_thread": False, "timeout": settings.sqlite_busy_timeout})
        _sqlite_transactions(engine)
        return engine
    return create_engine(url, **pool, connect_args={"connect_timeout": 5})


def _sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # Kete emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("kete_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    settings = get_settings()
    settings.ensure_data_dir()
    return make_engine(settings.database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def end_step(session: Session) -> None:
    """Finish the session's transaction (if any) so its connection goes back to the pool
    before this thread returns; the session and its loaded objects stay usable."""
    if session.in_transaction():
        session.commit()


@contextmanager
def own_step(session: Session) -> Iterator[None]:
    """A short step with a transaction of its own (a log-in lookup before the handler's
    thread): committed when it ends, rolled back if it raises, so a dropped connection
    surfaces as itself (a transient error, 503) and not as a failed commit."""
    try:
        yield
    except BaseException:
        if session.in_transaction():
            session.rollback()
        raise
    end_step(session)


def _finish(session: Session, ok: bool) -> None:
    try:
        if session.in_transaction():
            session.commit() if ok else session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, created without I/O; each step ends its own transaction.

    Anything still open at the end (work done after the handler, say a lazy load while the
    response is built) is committed here, or rolled back if the request failed, in a thread
    of its own so it never waits behind other requests."""
    read_only = request.method in SAFE_METHODS
    session = get_sessionmaker()(execution_options=READ_ONLY if read_only else {})
    try:
        yield session
    except BaseException:
        await _finish_in_thread(session, ok=False)
        raise
    await _finish_in_thread(session, ok=True)


async def _finish_in_thread(session: Session, *, ok: bool) -> None:
    if not session.in_transaction():
        session.close()  # nothing to send to the database: no thread needed
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_finish, session, ok,
                                       limiter=anyio.CapacityLimiter(1))


# scope="function": finish before the response is sent, so a browser following a redirect
# (log-in → home) never arrives before its log-in row is committed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _ending_step(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        sessions = [v for v in kwargs.values() if isinstance(v, Session)]
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            for session in sessions:
                if session.in_transaction():
                    session.rollback()
            raise
        for session in sessions:
            end_step(session)
            session.info["kete_handler_done"] = True
        return result

    return run


@event.listens_for(Session, "after_begin")
def _late_transaction(session: Session, _transaction: Any, _connection: Any) -> None:
    """Warn when a request's session starts a transaction after its handler's step ended:
    a lazy load while the response is built holds a connection across a hand-off."""
    if session.info.pop("kete_handler_done", False):
        log.warning("a transaction began after the handler's step ended (a lazy load while "
                    "the response was built?); load what the response needs in the handler")


class StepRoute(APIRoute):
    """A route whose synchronous handler commits its session (rolls back if it raises) in
    its own thread, before the thread is handed back: every router uses it
    (``APIRouter(route_class=StepRoute)``; a test walks the routes)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not (inspect.iscoroutinefunction(endpoint) or inspect.isgeneratorfunction(endpoint)):
            endpoint = _ending_step(endpoint)
        super().__init__(path, endpoint, **kwargs)


async def in_step(session: Session, work: Callable[..., Any], *args: Any) -> Any:
    """For ``async`` handlers: run ``work(*args)`` in a worker thread as one step (its
    transaction committed, or rolled back if it raises, before the thread returns)."""
    def step() -> Any:
        try:
            result = work(*args)
        except BaseException:
            if session.in_transaction():
                session.rollback()
            raise
        end_step(session)
        return result

    return await anyio.to_thread.run_sync(step)


def dialect_insert(session: Session, model: type[Base]) -> Any:
    """``INSERT`` for ``model`` in the session's SQL dialect, with its ``ON CONFLICT``
    clauses (SQLite and PostgreSQL spell them the same way)."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)
