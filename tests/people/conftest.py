"""People tests: a cheap argon2 hasher (the real cost is for attackers, not for the suite)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from app.people import ratelimit, security


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2 with minimal cost: hashes still start ``$argon2`` and verify as in production."""
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                            parallelism=1))
    monkeypatch.setattr(security, "_student_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                                    parallelism=1))
    monkeypatch.setattr(security, "_DUMMY_HASH", [])
    monkeypatch.setattr(security, "_DUMMY_STUDENT_HASH", [])
    # production's schedule (2 s … 60 s) stretched ×15, so a slow test machine cannot outlast
    # a delay between two requests; test_ratelimit checks the real schedule separately
    monkeypatch.setattr(ratelimit, "LIMITS", ratelimit.Limits(
        first_delay=timedelta(seconds=30), max_delay=timedelta(minutes=15)))
    yield
