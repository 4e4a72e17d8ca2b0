"""Handing in answers at once; scoring follows on the job queue (a real Huey consumer), and
the every-minute sweep scores hand-ins whose job was lost."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app import db
from app.db import utcnow
from app.delivery import marking, scoring, sittings
from app.delivery.models import Answer, Result, Sitting
from app.jobs import queue, start_embedded_worker
from app.people.dependencies import Caller
from tests.delivery import builders
from tests.people import builders as people


@dataclass
class Class:
    headers: list[dict[str, str]]
    assignment_id: int
    item_ids: list[int]
    teacher: Caller


@pytest.fixture
def room(banked: str, use_database: Callable[..., None]) -> Class:
    code = f"SQ{random.randrange(10**6):06d}"
    with db.get_sessionmaker()() as session:
        world = people.tenant(session, code)
        given = builders.assigned(session, teacher=world.teacher, room=world.room,
                                  codes=builders.codes(4, open_item=True))
        headers = [people.student_bearer(session, s, world.room) for s in world.students]
        item_ids = [fi.item_id for fi in given.form.items]
        session.commit()
    return Class(headers, given.assignment.id, item_ids, Caller.of_staff(world.teacher))


@pytest.fixture
def api() -> Iterator[TestClient]:
    """The app on the committed database, without a job worker (tests start one)."""
    from app.main import create_app

    queue.flush()  # jobs other tests of this process queued belong to their own databases
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def _sit(api: TestClient, room: Class, headers: dict[str, str], answer_open: bool) -> int:
    state = api.post(f"/api/v1/student/assignments/{room.assignment_id}/start",
                     headers=headers).json()
    items = [i for i in state["items"] if i["section"] == "test"]
    for seq, item in enumerate(items, start=1):
        if item["response_type"] == "short_text" and not answer_open:
            continue
        response = "because" if item["response_type"] == "short_text" else "B"
        saved = api.post(f"/api/v1/sittings/{state['sitting_id']}/answers", headers=headers,
                         json={"client_id": f"s{seq}", "seq": seq, "item_id": item["item_id"],
                               "response": response})
        assert saved.status_code == 200, saved.text
    return int(state["sitting_id"])


def _status(sitting_id: int) -> tuple[str, bool]:
    with db.get_sessionmaker()() as session:
        sitting = session.get(Sitting, sitting_id)
        assert sitting is not None
        has_result = session.scalar(select(Result.id).where(Result.sitting_id == sitting_id))
        return sitting.status, has_result is not None


def _wait(sitting_id: int, status: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while _status(sitting_id)[0] != status:
        assert time.monotonic() < deadline, f"sitting {sitting_id} never became {status}"
        time.sleep(0.1)


def test_hand_in_answers_before_scoring_and_the_queue_scores_it(api: TestClient,
                                                                  room: Class) -> None:
    sitting_id = _sit(api, room, room.headers[0], answer_open=False)
    done = api.post(f"/api/v1/sittings/{sitting_id}/submit", headers=room.headers[0])
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert _status(sitting_id) == ("submitted", False)  # nothing scored it in the request
    assert [t.args for t in queue.pending() if t.name.endswith("score_sitting")] == [
        (sitting_id,)]
    worker = start_embedded_worker()
    try:
        _wait(sitting_id, "scored")
    finally:
        worker.stop(graceful=True)
    assert _status(sitting_id) == ("scored", True)
    again = api.post(f"/api/v1/sittings/{sitting_id}/submit", headers=room.headers[0])
    assert again.json()["status"] == "scored"
    assert (sitting_id,) not in [t.args for t in queue.pending()]  # nothing re-queued


def test_open_answers_reach_the_marking_queue_only_after_the_keys_marked_the_rest(
        api: TestClient, room: Class) -> None:
    sitting_id = _sit(api, room, room.headers[0], answer_open=True)
    api.post(f"/api/v1/sittings/{sitting_id}/submit", headers=room.headers[0])
    with db.get_sessionmaker()() as session:
        assert marking.queue(session, caller=room.teacher) == []  # choice answers not marked yet
    worker = start_embedded_worker()
    try:
        deadline = time.monotonic() + 30
        while True:
            with db.get_sessionmaker()() as session:
                waiting = marking.queue(session, caller=room.teacher)
            if waiting or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        worker.stop(graceful=True)
    assert [w.sitting_id for w in waiting] == [sitting_id]  # only the open answer waits
    assert _status(sitting_id) == ("submitted", False)


def test_the_sweep_scores_a_hand_in_whose_job_was_lost(api: TestClient, room: Class) -> None:
    sitting_id = _sit(api, room, room.headers[1], answer_open=False)
    api.post(f"/api/v1/sittings/{sitting_id}/submit", headers=room.headers[1])
    queue.flush()  # the job is lost (say the queue's server restarted empty)
    with db.get_sessionmaker()() as session, session.begin():
        assert scoring.close_due(session, scoring="queued") == 0
    assert not queue.pending()  # too soon: its own job may still be on its way
    with db.get_sessionmaker()() as session, session.begin():
        later = utcnow() + scoring.LOST_AFTER + timedelta(seconds=1)
        scoring.close_due(session, later, scoring="queued")
    assert [t.args for t in queue.pending()] == [(sitting_id,)]
    worker = start_embedded_worker()
    try:
        _wait(sitting_id, "scored")
    finally:
        worker.stop(graceful=True)
    with db.get_sessionmaker()() as session:
        scored = session.scalars(select(Answer.score).where(Answer.sitting_id == sitting_id))
        assert None not in list(scored)


def test_time_up_sittings_are_handed_in_by_the_sweep(api: TestClient, room: Class) -> None:
    sitting_id = _sit(api, room, room.headers[1], answer_open=False)
    with db.get_sessionmaker()() as session, session.begin():
        later = utcnow() + timedelta(days=2)
        assert scoring.close_due(session, later, scoring="queued") >= 1
        assert session.get(Sitting, sitting_id).status == "submitted"  # type: ignore[union-attr]
    assert (sitting_id,) in [t.args for t in queue.pending()]
    with db.get_sessionmaker()() as session, session.begin():
        sitting = session.get(Sitting, sitting_id)
        assert sitting is not None
        sittings.submit(session, sitting=sitting)  # already handed in: nothing changes
