"""Database engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, ClassVar

from fastapi import Depends
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapper, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    settings = get_settings()
    settings.ensure_data_dir()
    return make_engine(settings.database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """One session per request: commits if the handler returns, rolls back if it raises."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response is sent. With the default request scope the
# commit ran after it, so a browser following a redirect (log-in → home) could arrive before
# its session row was committed and be sent back to log in.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
