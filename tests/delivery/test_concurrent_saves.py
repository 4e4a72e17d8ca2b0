"""Saves in flight at the same moment, on real connections with real commits: the save with
the higher ``seq`` is the one kept, whichever transaction commits last; a save after hand-in
or after time is up keeps its clear 409, and a resend of a stored save is still
acknowledged."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import db
from app.delivery import sittings
from app.delivery.models import Answer, Sitting
from app.delivery.schemas import AnswerAck, AnswerSave
from app.errors import Conflict
from app.people.dependencies import Caller
from tests.delivery import builders
from tests.people import builders as people


@dataclass
class Pupil:
    caller: Caller
    sitting_id: int
    item_ids: list[int]


@pytest.fixture
def pupil(banked: str, use_database: Callable[..., None]) -> Iterator[Pupil]:
    """A student of a new school, with a started sitting of a 5-item test."""
    code = f"CS{random.randrange(10**6):06d}"
    with db.get_sessionmaker()() as session:
        world = people.tenant(session, code)
        given = builders.assigned(session, teacher=world.teacher, room=world.room,
                                  codes=builders.codes(5))
        student = world.students[0]
        sitting = sittings.start(session, student=student, assignment_id=given.assignment.id)
        item_ids = [fi.item_id for fi in given.form.items]
        session.commit()  # and closed: an idle open transaction would hold SQLite's lock
    yield Pupil(Caller.of_student(student), sitting.id, item_ids)


def _save(seq: int, item_id: int, response: str) -> AnswerSave:
    return AnswerSave(client_id=f"c-{seq}-{item_id}", seq=seq, item_id=item_id,
                      response=response)


def _begin_save(session: Session, pupil: Pupil, data: AnswerSave) -> AnswerAck:
    """The request path of a save, up to (not including) its commit."""
    sitting = sittings.get_sitting(session, caller=pupil.caller, sitting_id=pupil.sitting_id,
                                   lock="share")
    return sittings.save_answer(session, sitting=sitting, data=data)


def _stored(pupil: Pupil, item_id: int) -> tuple[int, object]:
    with db.get_sessionmaker()() as session:
        row = session.execute(select(Answer.seq, Answer.response).where(
            Answer.sitting_id == pupil.sitting_id, Answer.item_id == item_id)).one()
        return int(row[0]), row[1]


def _until_blocked(worker: threading.Thread) -> None:
    """Wait until the other save is really held up behind the first (a PostgreSQL lock wait;
    SQLite's write lock), so the two are in flight at the same moment."""
    url = str(db.get_engine().url)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not worker.is_alive():
            raise AssertionError("the second save finished without waiting for the first")
        if url.startswith("sqlite"):
            time.sleep(0.3)
            assert worker.is_alive()
            return
        with db.get_engine().connect() as conn:
            if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                "datname = current_database() AND wait_event_type = 'Lock'")):
                return
        time.sleep(0.02)
    raise AssertionError("the second save never waited for the first")


@pytest.mark.parametrize("answered_before", [False, True], ids=["new", "changed"])
@pytest.mark.parametrize(("first", "second", "kept"), [
    ((2, "A"), (3, "B"), (3, "B")),   # the newer save arrives second
    ((5, "C"), (4, "D"), (5, "C")),   # the older save arrives second: it must not win
])
def test_of_two_saves_in_flight_the_newer_is_kept(
        pupil: Pupil, first: tuple[int, str], second: tuple[int, str],
        kept: tuple[int, str], answered_before: bool) -> None:
    item = pupil.item_ids[0]
    acks: list[AnswerAck] = []
    if answered_before:  # the race is then between two updates of one stored answer
        with db.get_sessionmaker()() as session, session.begin():
            _begin_save(session, pupil, _save(1, item, "Z"))

    def other_save() -> None:
        with db.get_sessionmaker()() as session, session.begin():
            acks.append(_begin_save(session, pupil, _save(second[0], item, second[1])))

    with db.get_sessionmaker()() as session:
        _begin_save(session, pupil, _save(first[0], item, first[1]))
        worker = threading.Thread(target=other_save)
        worker.start()
        _until_blocked(worker)
        session.commit()
    worker.join(timeout=20)
    assert acks and acks[0].stored == (second[0] > first[0]) and acks[0].seq == kept[0]
    assert _stored(pupil, item) == kept


def test_many_saves_of_one_answer_at_once_keep_the_highest_seq(pupil: Pupil) -> None:
    item = pupil.item_ids[1]
    seqs = list(range(1, 33))
    random.Random(7).shuffle(seqs)
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def saver(mine: list[int]) -> None:
        start.wait()
        for seq in mine:
            try:
                with db.get_sessionmaker()() as session, session.begin():
                    _begin_save(session, pupil, _save(seq, item, f"answer {seq}"))
            except BaseException as exc:
                failures.append(exc)

    workers = [threading.Thread(target=saver, args=(seqs[i::8],)) for i in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert failures == []
    assert _stored(pupil, item) == (32, "answer 32")


def test_after_hand_in_a_resend_is_acknowledged_and_a_new_save_is_refused(
        pupil: Pupil) -> None:
    item = pupil.item_ids[2]
    with db.get_sessionmaker()() as session, session.begin():
        _begin_save(session, pupil, _save(1, item, "A"))
    with db.get_sessionmaker()() as session, session.begin():
        sitting = sittings.get_sitting(session, caller=pupil.caller,
                                       sitting_id=pupil.sitting_id, lock="update")
        sittings.submit(session, sitting=sitting, scoring="queued")
    with db.get_sessionmaker()() as session, session.begin():
        resent = _begin_save(session, pupil, _save(1, item, "A"))
    assert not resent.stored and resent.seq == 1
    with db.get_sessionmaker()() as session, session.begin(), \
            pytest.raises(Conflict, match="submitted; answers can no longer change"):
        _begin_save(session, pupil, _save(2, item, "B"))
    assert _stored(pupil, item) == (1, "A")
    with db.get_sessionmaker()() as session:
        assert session.get(Sitting, pupil.sitting_id).status == "submitted"  # type: ignore[union-attr]


def test_after_time_is_up_a_resend_is_acknowledged_and_a_new_save_is_refused(
        pupil: Pupil) -> None:
    """Before the every-minute sweep has handed the sitting in, too."""
    item = pupil.item_ids[3]
    with db.get_sessionmaker()() as session, session.begin():
        _begin_save(session, pupil, _save(1, item, "A"))
    with db.get_sessionmaker()() as session, session.begin():
        sitting = sittings.get_sitting(session, caller=pupil.caller,
                                       sitting_id=pupil.sitting_id, lock="share")
        late = sittings.deadline(sitting) + sittings.GRACE + timedelta(seconds=1)
        resent = sittings.save_answer(session, sitting=sitting, data=_save(1, item, "A"),
                                      now=late)
        assert not resent.stored and resent.seq == 1
        with pytest.raises(Conflict, match="Time is up for this test; your saved answers "
                           "have been kept"):
            sittings.save_answer(session, sitting=sitting, data=_save(2, item, "B"), now=late)
    assert _stored(pupil, item) == (1, "A")
