"""Sittings over HTTP: the student's player and API, staff routes, keys, other schools."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery import sittings
from app.delivery.schemas import AnswerSave
from app.people import logins
from app.people.dependencies import SESSION_COOKIE, STUDENT_COOKIE
from tests.delivery import builders
from tests.people import builders as people


@pytest.fixture
def world(session: Session) -> people.Tenant:
    builders.bank(session)
    return people.tenant(session, "API-A")


def _student_cookie(client: TestClient, session: Session, world: people.Tenant) -> str:
    token, login = logins.start_student_session(session, student=world.students[0],
                                                kind="cookie")
    client.cookies.set(STUDENT_COOKIE, token)
    return login.csrf_token


def test_teacher_assigns_through_the_api(client: TestClient, session: Session,
                                         world: people.Tenant) -> None:
    made = builders.form(session, staff=world.teacher, codes=builders.codes(5))
    now = utcnow()
    body = {"form_id": made.id, "class_id": world.room.id, "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(), "time_limit_minutes": 30}
    auth = people.bearer(session, world.teacher)
    created = client.post("/api/v1/assignments", json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["form_name"] == "Number check"
    listed = client.get(f"/api/v1/assignments?class_id={world.room.id}", headers=auth).json()
    assert [a["id"] for a in listed] == [created.json()["id"]]
    other = client.post("/api/v1/assignments", json={**body, "class_id": world.other_room.id},
                        headers=auth)
    assert other.status_code == 404  # a colleague's class is not the teacher's to see


def test_a_student_sits_a_test_in_the_browser_and_no_key_reaches_them(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5, open_item=True))
    csrf = _student_cookie(client, session, world)
    home = client.get("/student")
    assert "Number check" in home.text
    started = client.post(f"/student/tests/{given.assignment.id}/start", data={"csrf": csrf},
                          follow_redirects=False)
    assert started.status_code == 303, started.text
    page = client.get(started.headers["location"])
    assert page.status_code == 200 and "player.js" in page.text
    sitting_id = int(started.headers["location"].rsplit("/", 1)[1])
    item_id = given.form.items[0].item_id
    save = {"client_id": "k1", "seq": 1, "item_id": item_id, "response": "B"}
    refused = client.post(f"/api/v1/sittings/{sitting_id}/answers", json=save)
    assert refused.status_code == 403  # a cookie log-in must send its CSRF token
    headers = {"X-CSRF-Token": csrf}
    for _ in range(2):
        saved = client.post(f"/api/v1/sittings/{sitting_id}/answers", json=save,
                            headers=headers)
        assert saved.status_code == 200, saved.text
    assert saved.json()["stored"] is False
    state = client.get(f"/api/v1/sittings/{sitting_id}")
    assert state.json()["answers"][0]["response"] == "B"
    reloaded = client.get(f"/student/sittings/{sitting_id}")
    for text in (page.text, reloaded.text, state.text):
        assert builders.SECRET_KEY_TEXT not in text
        assert '"key"' not in text and "correct" not in text and "teacher_marked" not in text
    open_answer = {"client_id": "k2", "seq": 2, "item_id": given.form.items[-1].item_id,
                   "response": "because it is </script><b>bold</b>"}
    assert client.post(f"/api/v1/sittings/{sitting_id}/answers", json=open_answer,
                       headers=headers).status_code == 200
    again = client.get(f"/student/sittings/{sitting_id}").text
    assert "</script><b>" not in again  # a typed answer cannot break out of the page
    done = client.post(f"/api/v1/sittings/{sitting_id}/submit", headers=headers)
    assert done.json()["status"] == "submitted"  # the open item waits for the teacher


def test_other_schools_and_other_students_get_404(client: TestClient, session: Session,
                                                 world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    sittings.submit(session, sitting=sitting)
    mine = people.bearer(session, world.teacher)
    assert client.get(f"/api/v1/sittings/{sitting.id}/result", headers=mine).status_code == 200
    other = people.tenant(session, "API-B")
    theirs = people.bearer(session, other.teacher)
    for path in (f"/api/v1/sittings/{sitting.id}/result",
                 f"/api/v1/assignments/{given.assignment.id}/sittings"):
        assert client.get(path, headers=theirs).status_code == 404
    classmate = people.student_bearer(session, world.students[1], world.room)
    assert client.get(f"/api/v1/sittings/{sitting.id}", headers=classmate).status_code == 404
    listed = client.get(f"/api/v1/assignments/{given.assignment.id}/sittings", headers=mine)
    assert [s["status"] for s in listed.json()] == ["scored"]


def test_the_teacher_marks_open_answers_on_the_marking_page(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5, open_item=True))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    sittings.save_answer(session, sitting=sitting, data=AnswerSave(
        client_id="o", seq=1, item_id=given.form.items[-1].item_id, response="a zebra"))
    sittings.submit(session, sitting=sitting)
    token, csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get("/marking")
    assert page.status_code == 200 and "a zebra" in page.text
    (entry,) = client.get("/api/v1/marking",
                          headers=people.bearer(session, world.teacher)).json()
    marked = client.post(f"/marking/{entry['answer_id']}", data={"csrf": csrf, "score": "1"},
                         follow_redirects=False)
    assert marked.status_code == 303 and sitting.status == "scored"
    student = world.students[0]
    after = client.get("/marking").text
    assert "Nothing to mark" in after and (
        f'<p role="status" class="notice">Marked {student.first_name} {student.last_name}'
        f"&#39;s answer to {entry['item_code']}: 1 of {entry['max_score']}; their test is now "
        "scored.</p>") in after
    assert "Marked " not in client.get("/marking").text  # once, not on reload
