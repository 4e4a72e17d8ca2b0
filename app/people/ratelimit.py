"""Log-in rate limiting: too many failures for an account or from an address lock it out.

Failures are rows in ``login_failure`` (so limits survive restarts and hold across processes).
A key is locked while it has at least ``limit`` failures in the last ``window``; the lock
lifts when the oldest of those failures leaves the window. Attempts made while locked are
refused without checking the password and are not counted, so a lock-out has a known end.

The per-address limit is generous on purpose: a whole school usually reaches Kete from one
address, and thirty children typing class codes make mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import AppError
from app.people.models import LoginFailure


@dataclass
class Limits:
    """How many failures lock an account or an address, and for how long they count."""

    per_account: int = 5
    per_address: int = 100
    window: timedelta = timedelta(minutes=15)


LIMITS = Limits()


class LockedOut(AppError):
    """Too many failed log-ins: the caller must wait until ``retry_at``."""

    status_code = 429

    def __init__(self, detail: str, *, retry_at: datetime) -> None:
        super().__init__(detail)
        self.retry_at = retry_at

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int((self.retry_at - utcnow()).total_seconds()) + 1)


def account_key(kind: str, name: str) -> str:
    """The key for one account, e.g. ``account:staff:t@example.org``."""
    return f"account:{kind}:{name.strip().lower()}"[:320]


def address_key(address: str | None) -> str:
    return f"ip:{address or 'unknown'}"


def check(session: Session, *, keys: list[str]) -> None:
    """Raise LockedOut if any key has reached its limit within the window."""
    for key in keys:
        retry_at = _locked_until(session, key)
        if retry_at is not None:
            what = "this account" if key.startswith("account:") else "your network address"
            minutes = max(1, round((retry_at - utcnow()).total_seconds() / 60))
            raise LockedOut(
                f"Too many failed log-ins for {what}. Try again after "
                f"{retry_at:%H:%M} UTC (in about {minutes} minute(s)).", retry_at=retry_at)


def record_failure(session: Session, *, keys: list[str]) -> None:
    """Count one failure against every key (and forget failures that left the window)."""
    cutoff = utcnow() - LIMITS.window
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys),
                                               LoginFailure.failed_at < cutoff))
    session.add_all(LoginFailure(key=key) for key in keys)
    session.flush()


def clear(session: Session, *, key: str) -> None:
    """Forget an account's failures (after a successful log-in or a password reset)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def _limit(key: str) -> int:
    return LIMITS.per_account if key.startswith("account:") else LIMITS.per_address


def _locked_until(session: Session, key: str) -> datetime | None:
    limit = _limit(key)
    recent = list(session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.key == key, LoginFailure.failed_at > utcnow() - LIMITS.window)
        .order_by(LoginFailure.failed_at.desc()).limit(limit)))
    if len(recent) < limit:
        return None
    return recent[-1] + LIMITS.window
