"""Adaptive sittings: the server decides every next module or item; earlier stages close;
keys never reach the page; results are scored on the items given, like any test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assembly import service as forms
from app.assembly.models import Form
from app.assembly.schemas import FormCreate
from app.db import utcnow
from app.delivery import adaptive, sittings
from app.delivery.models import ItemExposure, Result, Route, Sitting
from app.delivery.schemas import AssignmentCreate
from app.itembank.models import Item
from app.people.dependencies import Caller
from tests.assembly.adaptive_builders import (
    CAT_REQUEST,
    KEY_TEXT,
    MST_REQUEST,
    adaptive_bank,
    patient_solver,
)
from tests.people import builders as people


def _given(session: Session, world: people.Tenant, request: dict) -> Form:
    made = forms.build(session, data=FormCreate.model_validate(request), staff=world.teacher)
    forms.accept(session, form=made, staff=world.teacher)
    now = utcnow()
    assignment = sittings.assign(session, caller=Caller.of_staff(world.teacher),
                                 data=AssignmentCreate(
                                     form_id=made.id, class_id=world.room.id,
                                     opens_at=now - timedelta(hours=1),
                                     closes_at=now + timedelta(days=1), time_limit_minutes=40))
    made.assignment_id = assignment.id  # type: ignore[attr-defined]
    return made


__all__ = ["patient_solver"]


@pytest.fixture
def world(session: Session, patient_solver: None) -> people.Tenant:
    adaptive_bank(session)
    return people.tenant(session, "ADAPT")


def _answer_all(client: TestClient, auth: dict, sitting_id: int, state: dict, seq: int,
                response: str) -> int:
    for item in state["items"]:
        if item["section"] != "test":
            continue
        seq += 1
        saved = client.post(f"/api/v1/sittings/{sitting_id}/answers", headers=auth, json={
            "client_id": f"c{seq}", "seq": seq, "item_id": item["item_id"],
            "response": response})
        assert saved.status_code == 200, saved.text
    return seq


def _no_keys(text: str) -> None:
    assert KEY_TEXT not in text and '"key"' not in text and "correct" not in text


def test_an_mst_routes_on_the_server_and_closes_earlier_stages(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    form = _given(session, world, MST_REQUEST)
    auth = people.student_bearer(session, world.students[0])
    started = client.post(f"/api/v1/student/assignments/{form.assignment_id}/start",
                          headers=auth)
    assert started.status_code == 200, started.text
    state = started.json()
    sitting_id = state["sitting_id"]
    progress = state["adaptive"]
    assert progress == {"kind": "mst", "stage": 1, "stages": 3, "last": False, "earlier": 0}
    routing = {i["item_id"] for i in state["items"] if i["section"] == "test"}
    assert len(routing) == 5
    _no_keys(started.text)

    later = session.scalar(select(Item.id).where(Item.code == "A000"))
    if later in routing:
        later = session.scalar(select(Item.id).where(Item.code == "A001"))
    outside = client.post(f"/api/v1/sittings/{sitting_id}/answers", headers=auth, json={
        "client_id": "x1", "seq": 1, "item_id": later, "response": "B"})
    assert outside.status_code in (409, 422)  # not the current stage (or not on the test)

    seq = _answer_all(client, auth, sitting_id, state, 1, "B")  # all right: go up
    moved = client.post(f"/api/v1/sittings/{sitting_id}/next", headers=auth,
                        json={"stage": 1})
    assert moved.status_code == 200, moved.text
    second = moved.json()
    assert second["adaptive"]["stage"] == 2 and second["adaptive"]["earlier"] == 5
    assert not routing & {i["item_id"] for i in second["items"]}
    assert [i["number"] for i in second["items"]] == list(range(6, 11))
    again = client.post(f"/api/v1/sittings/{sitting_id}/next", headers=auth, json={"stage": 1})
    assert again.json()["items"] == second["items"]  # a resend moves nothing
    skip = client.post(f"/api/v1/sittings/{sitting_id}/next", headers=auth, json={"stage": 7})
    assert skip.json()["adaptive"]["stage"] == 2  # the browser cannot jump ahead
    back = client.post(f"/api/v1/sittings/{sitting_id}/answers", headers=auth, json={
        "client_id": "back", "seq": seq + 1, "item_id": next(iter(routing)), "response": "A"})
    assert back.status_code == 409  # stage 1 is closed
    route = session.scalar(select(Route).where(Route.sitting_id == sitting_id))
    assert route is not None and route.path == [0, 2]  # every answer right: the hard module

    seq = _answer_all(client, auth, sitting_id, second, seq + 1, "A")  # all wrong now
    third = client.post(f"/api/v1/sittings/{sitting_id}/next", headers=auth,
                        json={"stage": 2}).json()
    assert third["adaptive"]["stage"] == 3 and third["adaptive"]["last"] is True
    session.refresh(route)
    assert route.path[2] < 2  # all wrong after all right: down from the hard module
    _answer_all(client, auth, sitting_id, third, seq + 1, "B")
    _no_keys(str(third))
    done = client.post(f"/api/v1/sittings/{sitting_id}/submit", headers=auth)
    assert done.status_code == 200
    sitting = session.get(Sitting, sitting_id)
    assert sitting is not None
    if sitting.status != "scored":
        from app.delivery import scoring

        scoring.finish(session, sitting=sitting)
    result = session.scalar(select(Result).where(Result.sitting_id == sitting_id))
    assert result is not None and result.max_score == 15 and result.raw_score == 10
    positions = [q["position"] for q in result.quadrants]
    assert positions == list(range(1, 16))
    given = adaptive.given_items(route)
    codes = dict(session.execute(select(Item.id, Item.code).where(Item.id.in_(given))).all())
    assert [q["item"] for q in result.quadrants] == [codes[i] for i in given]


def test_classmates_are_dealt_different_panels(session: Session,
                                               world: people.Tenant) -> None:
    form = _given(session, world, MST_REQUEST)
    panels = []
    for student in world.students:
        sitting = sittings.start(session, student=student, assignment_id=form.assignment_id)
        route = adaptive.route_of(session, sitting)
        assert route is not None
        panels.append(route.panel)
    assert panels == [0, 1]


def test_a_cat_gives_one_question_at_a_time_until_its_length(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    form = _given(session, world, {**CAT_REQUEST, "item_count": 8})
    auth = people.student_bearer(session, world.students[0])
    state = client.post(f"/api/v1/student/assignments/{form.assignment_id}/start",
                        headers=auth).json()
    sitting_id, seq, seen = state["sitting_id"], 0, []
    while True:
        test_items = [i for i in state["items"] if i["section"] == "test"]
        assert len(test_items) == 1
        seen.append(test_items[0]["item_id"])
        seq = _answer_all(client, auth, sitting_id, state, seq, "B" if seq % 2 else "A")
        assert state["adaptive"]["last"] is (len(seen) == 8)  # at its length: hand in next
        if state["adaptive"]["last"]:
            break
        state = client.post(f"/api/v1/sittings/{sitting_id}/next", headers=auth,
                            json={"stage": state["adaptive"]["stage"]}).json()
        _no_keys(str(state))
    assert len(seen) == len(set(seen)) == 8
    given = session.scalar(select(func.sum(ItemExposure.given)).where(
        ItemExposure.form_id == form.id))
    assert given == 8
    done = client.post(f"/api/v1/sittings/{sitting_id}/submit", headers=auth)
    assert done.status_code == 200


def test_the_first_cat_question_is_not_the_same_for_everyone(
        session: Session, world: people.Tenant) -> None:
    form = _given(session, world, CAT_REQUEST)
    firsts = set()
    pupils = [people.student(session, world.school, f"ADAPT-{k}") for k in range(3, 11)]
    for pupil in pupils:
        world.room.students.append(pupil)
    session.flush()
    for pupil in pupils:
        sitting = sittings.start(session, student=pupil, assignment_id=form.assignment_id)
        route = adaptive.route_of(session, sitting)
        assert route is not None
        firsts.add(route.stages[0][0])
    assert len(firsts) >= 2


def test_a_class_has_seen_only_the_adaptive_items_it_was_given(
        session: Session, world: people.Tenant) -> None:
    form = _given(session, world, CAT_REQUEST)
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=form.assignment_id)
    route = adaptive.route_of(session, sitting)
    assert route is not None
    given = session.scalar(select(Item.code).where(Item.id == route.stages[0][0]))
    seen = forms.seen_by_class(session, world.room.id, world.teacher)
    assert seen == [given]  # not the whole pool of the CAT
