"""Kete's settings: one ``Settings`` object, read from ``KETE_*`` environment variables.

The embedded default (a SQLite file under ``./var``) needs no configuration at all.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "kete-development-secret-change-me"


class Settings(BaseSettings):
    """Configuration, e.g. ``KETE_DATABASE_URL=postgresql+psycopg://user@host/kete``."""

    model_config = SettingsConfigDict(env_prefix="KETE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="`production` refuses to start with the default secret."
    )
    database_url: str = Field(
        "sqlite:///var/kete.db",
        description="SQLAlchemy URL; SQLite (embedded default) or PostgreSQL (production).",
    )
    secret_key: str = Field(DEFAULT_SECRET, description="Signs session and CSRF tokens.")
    session_hours: int = Field(12, description="How long a staff log-in lasts.")
    host: str = Field("127.0.0.1", description="Address `kete serve` binds to.")
    port: int = Field(8000, description="Port `kete serve` listens on.")
    queue_url: str = Field(
        "sqlite:///var/jobs.db",
        description="Background job queue (Huey): a SQLite file embedded, `redis://…` at scale.",
    )
    inprocess_worker: bool = Field(
        True, description="Run background jobs inside the web process (embedded default). "
        "Set false when `kete worker` processes run beside the web processes.",
    )
    login_student_failures_per_address: int = Field(
        500, ge=1, description="Failed student log-ins one address may make in 15 minutes "
        "(a leaky bucket): a whole school often shares one address.")
    login_staff_failures_per_address: int = Field(
        100, ge=1, description="Failed staff log-ins one address may make in 15 minutes.")
    trusted_proxies: str = Field(
        "", description="Comma-separated addresses or networks (CIDR) of reverse proxies "
        "whose `X-Forwarded-For` is believed; empty: the peer address is the client.")
    image_hosts: str = Field(
        "", description="Comma-separated hosts (e.g. `images.example.org`) item images may "
        "be loaded from over https, besides the bank's own media; empty: none.")
    page_size_max: int = Field(200, description="Largest page a list endpoint returns.")
    workers: int = Field(1, ge=1, description="Web processes `kete serve` runs.")
    threads: int = Field(
        16, ge=1, le=200, description="Request-handler threads per web process. A handler "
        "step holds at most one database connection, only inside its own thread.")
    db_pool_size: int | None = Field(
        None, ge=1, description="Database connections per process (default: threads + "
        "job threads + 2, so a thread never waits for one).")
    db_pool_timeout: float = Field(
        5.0, gt=0, description="Seconds to wait for a pooled connection before answering "
        "503 (busy, retry) instead.")
    request_wait: float = Field(
        20.0, gt=0, description="Longest a request may wait for a handler thread; when the "
        "wait would be longer the answer is an immediate 503 with Retry-After. Students' "
        "answer saves, hand-ins and stage changes wait ahead of everything else, so the "
        "long waits are log-ins and starts when a whole cohort arrives at once (200 on two "
        "cores: up to ~14 s).")
    sqlite_busy_timeout: float = Field(
        10.0, gt=0, description="Seconds a SQLite write waits for the write lock.")
    job_threads: int = Field(
        1, ge=1, le=32, description="Job-worker threads (in the web process when "
        "KETE_INPROCESS_WORKER is true; per `kete worker` otherwise).")
    cat_max_exposure: float = Field(
        0.25, gt=0, le=1, description="Item-level adaptive tests: the largest share of a "
        "test's students any one item is given to (eligibility exposure control); 1 is off.")
    variety_information_floor: float = Field(
        0.95, ge=0.5, le=1.0, description="Teachers' tests: the share of the most informative "
        "test's information at the class's level a test keeps at least, so that it can share "
        "fewer items with other teachers' recent tests (1 turns variety off).",
    )

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("KETE_SECRET_KEY must be set to a private value in production")
        return self

    @property
    def image_host_list(self) -> list[str]:
        """``image_hosts`` as a list of lower-case host names."""
        return [h.strip().lower() for h in self.image_hosts.split(",") if h.strip()]

    @property
    def pool_size(self) -> int:
        """Connections per process: every handler thread and job thread can hold one at
        once, plus two for dependency teardown and the job scheduler."""
        return self.db_pool_size or self.threads + self.job_threads + 2

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def ensure_data_dir(self) -> None:
        """Create the folder of an embedded SQLite file (``sqlite:///var/kete.db`` → ``var/``)."""
        if self.is_sqlite and ":memory:" not in self.database_url:
            path = self.database_url.split("///", 1)[-1]
            Path(path).parent.mkdir(parents=True, exist_ok=True)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache when they change env vars)."""
    return Settings()
