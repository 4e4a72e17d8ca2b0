"""Log-in throttling: growing delays per account, leaky buckets per address.

**Accounts.** The first :attr:`Limits.free_failures` wrong passwords for an account cost
nothing (children mistype). After that each failure makes the *next* attempt wait twice as
long as the last — 2 s, 4 s, 8 s … up to :attr:`Limits.max_delay` — and an attempt made
while waiting is refused with 429 and ``Retry-After`` without checking the password. There is
no hard lock: somebody guessing at another's account slows it down to one try a minute but
can never lock its owner out for longer than that. Failures are forgotten an hour after the
last one, and at once after a successful log-in or a password reset. Unknown accounts are
throttled exactly like real ones, so throttling tells nobody which accounts exist.

**Addresses.** A whole school usually reaches Kete from one address, so each address has a
leaky bucket of failures that drains over :attr:`Limits.address_window`, sized for a school
(``KETE_LOGIN_STUDENT_FAILURES_PER_ADDRESS``, ``KETE_LOGIN_STAFF_FAILURES_PER_ADDRESS``)
and kept apart for staff and students, so children mistyping never lock their teachers out.

Both are rows of ``login_throttle`` (one per key), so limits hold across processes and
restarts and an attack cannot grow the table without bound. An account's next slot is
claimed with one conditional UPDATE before the password is checked, so parallel guesses
against one account are not let through together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import utcnow
from app.errors import AppError
from app.people.identifiers import normalise
from app.people.models import LoginThrottle


@dataclass(frozen=True)
class Limits:
    """How failed log-ins are slowed: per account (delays) and per address (buckets)."""

    free_failures: int = 5
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(seconds=60)
    forget_after: timedelta = timedelta(hours=1)
    address_window: timedelta = timedelta(minutes=15)
    student_per_address: int | None = None  # None: from the settings
    staff_per_address: int | None = None

    def per_address(self, kind: str) -> int:
        settings = get_settings()
        if kind == "student":
            return self.student_per_address or settings.login_student_failures_per_address
        return self.staff_per_address or settings.login_staff_failures_per_address

    def delay(self, failures: int) -> timedelta:
        """How long the next attempt waits after ``failures`` failures in a row."""
        if failures < self.free_failures:
            return timedelta(0)
        doubling = min(failures - self.free_failures, 30)
        return min(self.first_delay * (2 ** doubling), self.max_delay)


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


@dataclass(frozen=True)
class Keys:
    """The throttle keys of one log-in attempt: its account and its address."""

    kind: str  # "staff" or "student"
    account: str
    address: str


def keys_for(kind: str, name: str, address: str | None) -> Keys:
    """Keys for ``name`` (an e-mail, or ``school:number``) in its log-in normal form."""
    return Keys(kind, account_key(kind, name), f"ip:{kind}:{address or 'unknown'}")


def account_key(kind: str, name: str) -> str:
    """The key for one account, e.g. ``account:staff:t@example.org`` (NFKC, case-folded)."""
    return f"account:{kind}:{normalise(name)}"[:320]


def claim(session: Session, keys: Keys) -> None:
    """Let this attempt through, or raise LockedOut (address bucket full, account waiting)."""
    now = utcnow()
    bucket = session.get(LoginThrottle, keys.address)
    capacity = LIMITS.per_address(keys.kind)
    level = _drained(bucket, now, capacity) if bucket is not None else 0.0
    if level > capacity - 1:  # one more failure would overflow the bucket
        rate = capacity / LIMITS.address_window.total_seconds()
        retry_at = now + timedelta(seconds=(level - (capacity - 1)) / rate)
        raise LockedOut(f"Too many failed log-ins from your network. Try again after "
                        f"{retry_at:%H:%M:%S} UTC.", retry_at=retry_at)
    row = session.get(LoginThrottle, keys.account)
    if row is None:
        return
    if _aware(row.updated_at) < now - LIMITS.forget_after:
        row.failures, row.blocked_until = 0, None
    pending = LIMITS.delay(int(row.failures) + 1)
    # Claim: whoever moves blocked_until first goes ahead; everyone else waits.
    claimed = session.execute(
        update(LoginThrottle).where(
            LoginThrottle.key == keys.account,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now))
        .values(blocked_until=now + pending if pending else None)
        .execution_options(synchronize_session=False))
    if not getattr(claimed, "rowcount", 0):
        session.refresh(row)
        retry_at = _aware(row.blocked_until) if row.blocked_until else now
        seconds = max(1, int((retry_at - now).total_seconds()) + 1)
        raise LockedOut(f"Too many failed log-ins for this account. Wait {seconds} seconds "
                        f"and try again (until {retry_at:%H:%M:%S} UTC).", retry_at=retry_at)
    session.refresh(row)


def record_failure(session: Session, keys: Keys) -> None:
    """Count one failure against the account (longer wait) and the address (bucket)."""
    now = utcnow()
    account = _row(session, keys.account, now)
    if _aware(account.updated_at) < now - LIMITS.forget_after:
        account.failures = 0
    account.failures = int(account.failures) + 1
    delay = LIMITS.delay(int(account.failures))
    account.blocked_until = now + delay if delay else None
    account.updated_at = now
    bucket = _row(session, keys.address, now)
    bucket.failures = _drained(bucket, now, LIMITS.per_address(keys.kind)) + 1
    bucket.updated_at = now
    session.flush()


def clear(session: Session, *, key: str) -> None:
    """Forget an account's failures (after a successful log-in or a password reset)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def _row(session: Session, key: str, now: datetime) -> LoginThrottle:
    row = session.get(LoginThrottle, key)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LoginThrottle(key=key, failures=0.0, updated_at=now)
            session.add(row)
    except IntegrityError:  # another attempt made it first
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        assert row is not None
    return row


def _drained(bucket: LoginThrottle, now: datetime, capacity: int) -> float:
    """The bucket's level now: it drains ``capacity`` failures per address window."""
    elapsed = max(0.0, (now - _aware(bucket.updated_at)).total_seconds())
    rate = capacity / LIMITS.address_window.total_seconds()
    return max(0.0, float(bucket.failures) - elapsed * rate)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
