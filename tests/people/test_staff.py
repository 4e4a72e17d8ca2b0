"""Staff accounts and schools: who may create, change and reset whose account."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.people.models import AuditEvent, AuthSession
from tests.people import builders
from tests.people.builders import PASSWORD


def _login(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/auth/token",
                       json={"email": email, "password": password}).status_code


def test_leader_resets_a_teachers_password(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    old_login = builders.bearer(session, a.teacher)
    reset = client.post(f"/api/v1/staff/{a.teacher.id}/password-reset",
                        headers=builders.bearer(session, a.leader))
    assert reset.status_code == 200, reset.text
    body = reset.json()
    assert body["email"] == a.teacher.email and body["sessions_ended"] == 1
    assert client.get("/api/v1/auth/me", headers=old_login).status_code == 401
    assert _login(client, a.teacher.email, PASSWORD) == 401
    assert _login(client, a.teacher.email, body["temporary_password"]) == 200
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "password.reset")).one()
    assert (event.actor, event.target, event.school_id) == (
        a.leader.email, f"staff:{a.teacher.id}", a.school.id)
    assert body["temporary_password"] not in str(event.detail)


def test_leaders_cannot_reset_bank_wide_accounts(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    admin = builders.staff(session, "admin")
    leader = builders.bearer(session, a.leader)
    assert client.post(f"/api/v1/staff/{admin.id}/password-reset",
                       headers=leader).status_code == 404
    teacher = builders.bearer(session, a.teacher)
    assert client.post(f"/api/v1/staff/{a.leader.id}/password-reset",
                       headers=teacher).status_code == 403
    by_admin = client.post(f"/api/v1/staff/{a.leader.id}/password-reset",
                           headers=builders.bearer(session, admin))
    assert by_admin.status_code == 200


def test_change_own_password(client: TestClient, session: Session) -> None:
    member = builders.staff(session, "item_writer")
    auth = builders.bearer(session, member)
    wrong = client.post("/api/v1/auth/password", headers=auth,
                        json={"current_password": "nope", "new_password": "a-new-password"})
    assert wrong.status_code == 401
    ok = client.post("/api/v1/auth/password", headers=auth,
                     json={"current_password": PASSWORD, "new_password": "a-new-password"})
    assert ok.status_code == 204 and _login(client, member.email, "a-new-password") == 200


def test_leader_creates_school_staff_only(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    account = {"email": "new@example.org", "name": "New Teacher", "role": "teacher",
               "password": "long-enough-pw"}
    created = client.post("/api/v1/staff", json=account, headers=leader)
    assert created.status_code == 201 and created.json()["school"] == "KURA-A"
    admin = client.post("/api/v1/staff", headers=leader,
                        json={**account, "email": "x@example.org", "role": "admin"})
    assert admin.status_code == 403
    promote = client.patch(f"/api/v1/staff/{created.json()['id']}", headers=leader,
                           json={"role": "psychometrician"})
    assert promote.status_code == 403


def test_deactivating_an_account_ends_its_log_ins(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    auth = builders.bearer(session, a.teacher)
    changed = client.patch(f"/api/v1/staff/{a.teacher.id}", json={"is_active": False},
                           headers=builders.bearer(session, a.leader))
    assert changed.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 401
    assert session.scalars(select(AuthSession).where(
        AuthSession.staff_id == a.teacher.id)).all() == []


def test_admin_manages_schools(client: TestClient, session: Session) -> None:
    auth = builders.bearer(session, builders.staff(session, "admin"))
    created = client.post("/api/v1/schools", json={"code": "kura-c", "name": "Kura C"},
                          headers=auth)
    assert created.status_code == 201 and created.json()["code"] == "KURA-C"
    again = client.post("/api/v1/schools", json={"code": "KURA-C", "name": "Again"},
                        headers=auth)
    assert again.status_code == 409
    renamed = client.patch("/api/v1/schools/kura-c", json={"name": "Te Kura C"}, headers=auth)
    assert renamed.json()["name"] == "Te Kura C"
    assert [s["code"] for s in client.get("/api/v1/schools", headers=auth).json()] == ["KURA-C"]
