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
    events = client.get("/api/v1/audit", headers=builders.bearer(
        session, builders.staff(session, "admin"))).json()
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
