"""The audit trail of sensitive actions, and a leader's export and deletion of a student."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.people import privacy
from app.people.models import AuditEvent, Student, StudentSession, class_student
from tests.factories import framework, item_data
from tests.people import builders


def test_calibration_activation_and_item_retirement_are_audited(
        client: TestClient, session: Session) -> None:
    framework(session)
    psych = builders.staff(session, "psychometrician")
    auth = builders.bearer(session, psych)
    for code in ("MA-1", "MA-2"):
        client.post("/api/v1/items", json=item_data(code), headers=auth)
    calibration = client.post("/api/v1/calibrations", headers=auth, json={
        "subject": "maths", "label": "first", "activate": False,
        "parameters": [{"item": "MA-1", "model": "rasch", "b": 0.1}]}).json()
    client.post(f"/api/v1/calibrations/{calibration['id']}/activate", headers=auth)
    client.post("/api/v1/items/MA-1/retire", headers=auth)
    client.patch("/api/v1/items/MA-2", json={"status": "retired"}, headers=auth)
    events = [e for e in client.get("/api/v1/audit", headers=builders.bearer(
        session, builders.staff(session, "admin"))).json() if e["action"] != "write"]
    assert [(e["action"], e["target"], e["actor"]) for e in events] == [
        ("item.retire", "item:MA-2", psych.email), ("item.retire", "item:MA-1", psych.email),
        ("calibration.activate", f"calibration:{calibration['id']}", psych.email)]


def test_leaders_read_only_their_own_schools_events(client: TestClient,
                                                    session: Session) -> None:
    a, b = builders.tenant(session, "KURA-A"), builders.tenant(session, "KURA-B")
    for tenant in (a, b):
        client.post(f"/api/v1/staff/{tenant.teacher.id}/password-reset",
                    headers=builders.bearer(session, tenant.leader))
    seen = client.get("/api/v1/audit", headers=builders.bearer(session, a.leader)).json()
    assert [e["target"] for e in seen] == [f"staff:{a.teacher.id}"]
    filtered = client.get("/api/v1/audit", params={"action": "student.delete"},
                          headers=builders.bearer(session, a.leader)).json()
    assert filtered == []


def test_leader_exports_everything_held_about_a_student(client: TestClient,
                                                        session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    pupil = a.students[0]
    builders.student_bearer(session, pupil, a.room)
    leader = builders.bearer(session, a.leader)
    export = client.get(f"/api/v1/students/{pupil.id}/export", headers=leader)
    assert export.status_code == 200
    body = export.json()
    assert body["student"]["first_name"] == "Mere" and body["student"]["school"] == "KURA-A"
    assert body["classes"] == [{"name": "Room 1", "period": "2026"}] and len(body["log_ins"]) == 1
    again = client.get(f"/api/v1/students/{pupil.id}/export", headers=leader).json()
    assert [e["action"] for e in again["audit_events"]] == ["student.export"]


def test_deleting_a_student_removes_identity_and_runs_the_hooks(
        client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    a = builders.tenant(session, "KURA-A")
    pupil, pupil_id = a.students[0], a.students[0].id
    token = builders.student_bearer(session, pupil, a.room)
    calls: list[tuple[int, str]] = []

    def forget(_session: Session, student: Student, pseudonym: str) -> int:
        calls.append((student.id, pseudonym))
        return 7

    monkeypatch.setitem(privacy.HOOKS, "sittings", privacy.Hooks(deidentify=forget))
    leader = builders.bearer(session, a.leader)
    removed = client.delete(f"/api/v1/students/{pupil_id}", headers=leader)
    assert removed.status_code == 200, removed.text
    assert removed.json() == {"sittings": 7, "class_memberships": 1, "log_ins": 1}
    assert calls[0][0] == pupil_id and calls[0][1].startswith("anon:")
    assert session.get(Student, pupil_id) is None
    for table, column in ((StudentSession.__table__, "student_id"),
                          (class_student, "student_id")):
        assert session.execute(select(table).where(table.c[column] == pupil_id)).all() == []
    assert client.get("/api/v1/student/me", headers=token).status_code == 401
    assert client.get(f"/api/v1/students/{pupil_id}", headers=leader).status_code == 404
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "student.delete")).one()
    assert "Mere" not in str(event.detail) and "Tane" not in str(event.detail)


def test_a_failing_hook_deletes_nothing(client: TestClient, session: Session,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    a = builders.tenant(session, "KURA-A")

    def refuse(*_args: Any) -> int:
        raise InvalidInput("sittings could not be de-identified")

    monkeypatch.setitem(privacy.HOOKS, "sittings", privacy.Hooks(deidentify=refuse))
    pupil_id = a.students[0].id
    response = client.delete(f"/api/v1/students/{pupil_id}",
                             headers=builders.bearer(session, a.leader))
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Student, pupil_id) is not None


def test_teachers_may_neither_export_nor_delete(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    teacher = builders.bearer(session, a.teacher)
    pupil = a.students[0].id
    assert client.get(f"/api/v1/students/{pupil}/export", headers=teacher).status_code == 403
    assert client.delete(f"/api/v1/students/{pupil}", headers=teacher).status_code == 403


def test_every_staff_write_is_audited_with_who_what_when_and_where(
        client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    teacher, leader = builders.bearer(session, a.teacher), builders.bearer(session, a.leader)
    pupil = a.students[0]
    assert client.patch(f"/api/v1/students/{pupil.id}", headers=teacher,
                        json={"year_level": 7}).status_code == 200
    assert client.put(f"/api/v1/classes/{a.other_room.id}/students/{pupil.id}",
                      headers=leader).status_code == 200
    client.patch(f"/api/v1/classes/{a.room.id}", headers=teacher, json={"name": "Taken"})
    assert client.get(f"/api/v1/students/{pupil.id}", headers=teacher).status_code == 200
    refused = client.patch(f"/api/v1/classes/{a.other_room.id}", headers=teacher,
                           json={"name": "Nope"})
    assert refused.status_code == 404
    events = client.get("/api/v1/audit", params={"action": "write"}, headers=leader).json()
    targets = [(e["actor"], e["target"]) for e in events]
    assert targets == [
        (a.teacher.email, "PATCH /api/v1/classes/{class_id}"),
        (a.leader.email, "PUT /api/v1/classes/{class_id}/students/{student_id}"),
        (a.teacher.email, "PATCH /api/v1/students/{student_id}")]  # reads and refusals: none
    assert events[2]["detail"]["changes"] == {"student": {"updated": 1}}
    assert events[1]["detail"]["params"] == {"class_id": str(a.other_room.id),
                                             "student_id": str(pupil.id)}
    assert all(e["address"] == "testclient" for e in events)
    csv_text = client.get("/api/v1/audit.csv", headers=leader).text
    assert csv_text.splitlines()[0].startswith("id,occurred_at,actor,actor_role,address")
    assert len(csv_text.splitlines()) == 1 + len(client.get(
        "/api/v1/audit", headers=leader).json())
    client.cookies.set("kete_session", builders.cookie(session, a.leader))
    page = client.get("/audit")
    assert page.status_code == 200 and "Changed the details of Mere Tane" in page.text
    client.cookies.set("kete_session", builders.cookie(session, a.teacher))
    assert client.get("/audit").status_code == 403


def test_a_specific_event_is_not_doubled_by_the_write_event(client: TestClient,
                                                            session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    client.post(f"/api/v1/staff/{a.teacher.id}/password-reset", headers=leader)
    events = client.get("/api/v1/audit", headers=leader).json()
    assert [e["action"] for e in events] == ["password.reset"]
