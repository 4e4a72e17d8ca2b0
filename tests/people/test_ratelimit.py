"""Log-in throttling: growing delays per account (no hard lock), buckets per address kept
apart for staff and students, one normal form for names, proxies believed only when set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

from app.config import get_settings
from app.people import ratelimit
from app.people.models import LoginThrottle
from app.people.network import client_address
from tests.people import builders
from tests.people.builders import PASSWORD, STUDENT_PASSWORD


def _staff_login(client: TestClient, email: str, password: str, **kw: object) -> int:
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       **kw).status_code  # type: ignore[arg-type]


def _wait(session: Session, seconds: float) -> None:
    """Move every throttle row into the past, as if ``seconds`` had gone by."""
    by = timedelta(seconds=seconds)
    for row in session.scalars(select(LoginThrottle)):
        row.updated_at -= by
        if row.blocked_until is not None:
            row.blocked_until -= by
    session.flush()


def test_delays_grow_after_five_failures_and_never_lock_for_good(
        client: TestClient, session: Session) -> None:
    member = builders.staff(session, "teacher", at=builders.school(session))
    assert [_staff_login(client, member.email, "wrong") for _ in range(5)] == [401] * 5
    waiting = client.post("/api/v1/auth/token",
                          json={"email": member.email, "password": PASSWORD})
    assert waiting.status_code == 429 and waiting.json()["error"] == "LockedOut"
    assert 20 <= int(waiting.headers["Retry-After"]) <= 31  # 30 s (tests' ×15 schedule)
    delays = []
    for _ in range(6):  # each wrong try after waiting doubles the wait, up to the cap
        _wait(session, 901)
        assert _staff_login(client, member.email, "wrong") == 401
        delays.append(int(client.post("/api/v1/auth/token", json={
            "email": member.email, "password": "x"}).headers["Retry-After"]))
    assert delays == sorted(delays) and delays[0] <= 61 and 850 <= delays[-1] <= 901
    _wait(session, 901)
    assert _staff_login(client, member.email, PASSWORD) == 200  # the owner gets in
    assert session.get(LoginThrottle, ratelimit.account_key("staff", member.email)) is None


def test_the_real_schedule_doubles_from_two_seconds_to_a_minute() -> None:
    limits = ratelimit.Limits()
    assert [limits.delay(n).total_seconds() for n in range(1, 13)] == [
        0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60, 60]


def test_unknown_accounts_are_throttled_the_same(client: TestClient) -> None:
    codes = [_staff_login(client, "nobody@example.org", "x") for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_names_are_one_account_however_they_are_spelt(client: TestClient,
                                                      session: Session) -> None:
    at = builders.school(session, "SCHOOL-B")
    builders.student(session, at, "AB12")
    spellings = ["school-b", "ſCHOOL-B", "ＳＣＨＯＯＬ-Ｂ", " School-B "]
    numbers = ["ab12", "AB12", "ＡＢ１２", "aB12"]
    for school, number in zip(spellings + spellings[:1], numbers + numbers[:1], strict=True):
        refused = client.post("/api/v1/auth/student", json={
            "school_code": school, "student_number": number, "password": "wrong"})
        assert refused.status_code == 401
    sixth = client.post("/api/v1/auth/student", json={
        "school_code": "ſchool-b", "student_number": "ab12", "password": STUDENT_PASSWORD})
    assert sixth.status_code == 429  # one account key for every spelling: the sixth waits
    _wait(session, 31)
    ok = client.post("/api/v1/auth/student", json={
        "school_code": "ſchool-b", "student_number": "ＡＢ１２", "password": STUDENT_PASSWORD})
    assert ok.status_code == 200


def test_addresses_have_separate_buckets_for_staff_and_students(
        client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMITS", ratelimit.Limits(
        student_per_address=3, staff_per_address=3, first_delay=timedelta(seconds=30)))
    a = builders.tenant(session, "KURA-A")
    for i in range(3):
        assert client.post("/api/v1/auth/student", json={
            "school_code": "KURA-A", "student_number": f"guess{i}",
            "password": "x"}).status_code == 401
    refused = client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": a.students[0].student_number,
        "password": STUDENT_PASSWORD})
    assert refused.status_code == 429 and "your network" in refused.json()["detail"]
    assert _staff_login(client, a.teacher.email, PASSWORD) == 200  # staff are not affected
    _wait(session, 5 * 60 + 1)  # the bucket drains: 3 failures per 15 minutes
    assert client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": a.students[0].student_number,
        "password": STUDENT_PASSWORD}).status_code == 200


def test_default_address_limits_are_sized_for_a_school() -> None:
    limits = ratelimit.Limits()
    assert limits.per_address("student") >= 300 and limits.per_address("staff") >= 50


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 5000), "headers": headers})


def test_forwarded_for_is_believed_only_from_configured_proxies(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMITS", ratelimit.Limits(
        staff_per_address=2, first_delay=timedelta(seconds=30)))
    for _ in range(2):
        assert _staff_login(client, "a@example.org", "x",
                            headers={"X-Forwarded-For": "203.0.113.9"}) == 401
    assert _staff_login(client, "b@example.org", "x", headers={
        "X-Forwarded-For": "198.51.100.1"}) == 429  # the header changed nothing
    assert client_address(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"
    monkeypatch.setenv("KETE_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
    get_settings.cache_clear()
    try:
        assert client_address(_request("10.1.2.3", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
        assert client_address(_request("10.1.2.3", "203.0.113.9, 192.0.2.7")) == "203.0.113.9"
        assert client_address(_request("198.51.100.5", "203.0.113.9")) == "198.51.100.5"
    finally:
        get_settings.cache_clear()


def test_login_page_says_when_to_retry(client: TestClient, session: Session) -> None:
    member = builders.staff(session, "teacher", at=builders.school(session))
    for _ in range(5):
        _staff_login(client, member.email, "wrong")
    client.get("/login")
    csrf = client.cookies.get("kete_login_csrf")
    response = client.post("/login", data={"email": member.email, "password": PASSWORD,
                                           "csrf": csrf})
    assert "Too many failed log-ins for this account" in response.text
    assert "(UTC)" in response.text and "kete_session" not in client.cookies


def test_leader_reset_lifts_the_throttle(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    for _ in range(6):
        _staff_login(client, a.teacher.email, "wrong")
    reset = client.post(f"/api/v1/staff/{a.teacher.id}/password-reset",
                        headers=builders.bearer(session, a.leader))
    assert _staff_login(client, a.teacher.email, reset.json()["temporary_password"]) == 200
