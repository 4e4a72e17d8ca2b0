"""Log-in rate limiting: per account and per address, stored in the database, with an end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.people import ratelimit
from app.people.models import LoginFailure
from tests.people import builders
from tests.people.builders import PASSWORD


def _staff_login(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/auth/token",
                       json={"email": email, "password": password}).status_code


def _age_failures(session: Session, by: timedelta) -> None:
    session.execute(update(LoginFailure).values(failed_at=LoginFailure.failed_at - by))


def test_five_failures_lock_the_account_until_the_window_passes(
        client: TestClient, session: Session) -> None:
    member = builders.staff(session, "teacher", at=builders.school(session))
    assert [_staff_login(client, member.email, "wrong") for _ in range(5)] == [401] * 5
    locked = client.post("/api/v1/auth/token", json={"email": member.email, "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["error"] == "LockedOut"
    assert "Try again after" in locked.json()["detail"]
    assert 800 < int(locked.headers["Retry-After"]) <= 901
    stored = session.scalar(select(func.count()).where(
        LoginFailure.key == ratelimit.account_key("staff", member.email)))
    assert stored == 5  # kept in the database: survives restarts, shared by processes
    _age_failures(session, timedelta(minutes=16))
    assert _staff_login(client, member.email, PASSWORD) == 200
    assert session.scalar(select(func.count()).where(
        LoginFailure.key == ratelimit.account_key("staff", member.email))) == 0


def test_unknown_accounts_are_limited_too(client: TestClient) -> None:
    codes = [_staff_login(client, "nobody@example.org", "x") for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_one_address_trying_many_accounts_is_locked_out(
        client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMITS", ratelimit.Limits(per_address=3))
    member = builders.staff(session, "teacher", at=builders.school(session))
    for i in range(3):
        assert _staff_login(client, f"guess{i}@example.org", "x") == 401
    refused = client.post("/api/v1/auth/token", json={"email": member.email, "password": PASSWORD})
    assert refused.status_code == 429 and "network address" in refused.json()["detail"]


def test_student_log_in_is_limited(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    form = {"school_code": "KURA-A", "student_number": a.students[0].student_number}
    for _ in range(5):
        wrong = client.post("/api/v1/auth/student", json={**form, "class_code": "WRONG1"})
        assert wrong.status_code == 401
    right = client.post("/api/v1/auth/student", json={**form, "class_code": a.room.access_code})
    assert right.status_code == 429


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


def test_leader_reset_lifts_the_lock_out(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    for _ in range(5):
        _staff_login(client, a.teacher.email, "wrong")
    reset = client.post(f"/api/v1/staff/{a.teacher.id}/password-reset",
                        headers=builders.bearer(session, a.leader))
    assert _staff_login(client, a.teacher.email, reset.json()["temporary_password"]) == 200
