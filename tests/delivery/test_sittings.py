"""Assigning, sitting, saving idempotently, resuming, submitting, marking, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery import marking, player, result_store, scoring, sittings
from app.delivery.models import Answer, Result, ScoredResponse, Sitting
from app.delivery.results import Flag, Quadrant
from app.delivery.schemas import AnswerSave, AssignmentCreate
from app.errors import Conflict, NotFound
from app.people import privacy
from app.people.dependencies import Caller
from tests.delivery import builders
from tests.people import builders as people


@pytest.fixture
def world(session: Session) -> people.Tenant:
    builders.bank(session)
    return people.tenant(session, "SIT-A")


def _save(client_id: str, seq: int, item_id: int, response: object = "B",
          **extra: object) -> AnswerSave:
    return AnswerSave.model_validate({"client_id": client_id, "seq": seq, "item_id": item_id,
                                      "response": response, **extra})


def test_only_accepted_forms_go_to_classes_the_caller_teaches(session: Session,
                                                              world: people.Tenant) -> None:
    teacher = Caller.of_staff(world.teacher)
    now = utcnow()

    def data(form_id: int, class_id: int) -> AssignmentCreate:
        return AssignmentCreate(form_id=form_id, class_id=class_id, opens_at=now,
                                closes_at=now + timedelta(days=1))

    draft = builders.form(session, staff=world.teacher, codes=builders.codes(5), status="draft")
    with pytest.raises(Conflict):
        sittings.assign(session, caller=teacher, data=data(draft.id, world.room.id))
    accepted = builders.form(session, staff=world.teacher, codes=builders.codes(5))
    with pytest.raises(NotFound):  # a colleague's class is not the teacher's to see
        sittings.assign(session, caller=teacher, data=data(accepted.id, world.other_room.id))
    other = people.tenant(session, "SIT-B")
    with pytest.raises(NotFound):
        sittings.assign(session, caller=Caller.of_staff(other.teacher),
                        data=data(accepted.id, other.room.id))
    row = sittings.assign(session, caller=teacher, data=data(accepted.id, world.room.id))
    assert row.mode == "screen" and row.school_id == world.school.id
    with pytest.raises(ValueError, match="closes_at"):
        AssignmentCreate(form_id=1, class_id=1, opens_at=now, closes_at=now)


def test_saves_are_idempotent_and_the_latest_wins(session: Session,
                                                  world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    item_id = given.form.items[0].item_id
    first = sittings.save_answer(session, sitting=sitting, data=_save("c-1", 1, item_id, "A"))
    again = sittings.save_answer(session, sitting=sitting, data=_save("c-1", 1, item_id, "A"))
    assert first.stored and not again.stored
    later = sittings.save_answer(session, sitting=sitting, data=_save("c-3", 3, item_id, "C"))
    stale = sittings.save_answer(session, sitting=sitting, data=_save("c-2", 2, item_id, "B"))
    assert later.stored and not stale.stored and stale.seq == 3
    rows = list(session.scalars(select(Answer).where(Answer.sitting_id == sitting.id)))
    assert [(r.response, r.seq, r.client_id) for r in rows] == [("C", 3, "c-3")]


def test_resume_gives_the_same_sitting_with_attitude_first(session: Session,
                                                           world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5))
    pupil = world.students[0]
    first = sittings.start(session, student=pupil, assignment_id=given.assignment.id)
    assert len(first.attitude_item_ids) == 2
    sittings.save_answer(session, sitting=first, data=_save(
        "x", 7, first.attitude_item_ids[0], "D", flagged=True))
    again = sittings.start(session, student=pupil, assignment_id=given.assignment.id)
    assert again.id == first.id
    state = player.state(session, sitting=again)
    assert [i.section for i in state.items] == ["attitude"] * 2 + ["test"] * 5
    assert state.last_seq == 7 and state.answers[0].flagged and state.answers[0].response == "D"
    open_now = sittings.open_assignments(session, student=pupil)
    assert [(o.sitting_id, o.status) for o in open_now] == [(first.id, "in_progress")]


def test_submit_scores_the_sitting(session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(30))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    for seq, fi in enumerate(given.form.items, start=1):  # easy half right, hard half wrong
        sittings.save_answer(session, sitting=sitting, data=_save(
            f"s{seq}", seq, fi.item_id, "B" if seq <= 15 else "A", time_s=30))
    for k, att in enumerate(sitting.attitude_item_ids):
        sittings.save_answer(session, sitting=sitting, data=_save(f"a{k}", 100 + k, att,
                                                                  "CD"[k]))
    sittings.submit(session, sitting=sitting)
    result = result_store.get(session, sitting=sitting)
    assert sitting.status == "scored" and result is not None
    assert -1.0 < result.theta < 1.0 and 0.2 < result.se < 0.6
    assert result.scale_score == pytest.approx(1500 + 100 * result.theta, abs=0.1)
    assert result.scale_se == pytest.approx(100 * result.se, abs=0.1)
    assert result.sublevel is not None and result.raw_score == 15 and result.max_score == 30
    assert result.attitude_score == pytest.approx(2.5) and result.flags == ()
    assert result.quadrants[0].quadrant == Quadrant.ACHIEVED
    assert result.quadrants[-1].quadrant == Quadrant.TO_BE_ACHIEVED
    assert result.items_right == 15 == sum(q.quadrant.correct for q in result.quadrants)
    for q in result.quadrants:  # an item is easier exactly when it sits at or below the score
        assert q.difficulty is not None
        assert (q.difficulty <= result.scale_score + 0.1) == q.quadrant.easier, q
    assert set(result.subscores.strand) == {"NA", "GM"}
    assert set(result.subscores.depth) == {"surface", "deep"}
    assert result.subscores.strand["NA"].se > result.se
    recorded = session.scalar(select(func.count()).where(
        ScoredResponse.person_key == f"sitting:{sitting.id}", ScoredResponse.source == "sitting"))
    assert recorded == 30


def test_too_little_information_is_flagged(session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(6))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    for seq, fi in enumerate(given.form.items, start=1):
        sittings.save_answer(session, sitting=sitting, data=_save(f"s{seq}", seq, fi.item_id,
                                                                  "B", time_s=2))
    sittings.submit(session, sitting=sitting)
    result = result_store.get(session, sitting=sitting)
    assert result is not None and set(result.flags) == {Flag.ALL_CORRECT, Flag.RAPID_GUESSING}
    stored = session.scalar(select(Result.flags).where(Result.sitting_id == sitting.id))
    assert sorted(stored) == ["all_correct", "rapid_guessing"]  # one vocabulary, stored too


def test_open_answers_wait_for_the_teacher(session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5, open_item=True))
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    open_id = given.form.items[-1].item_id
    sittings.save_answer(session, sitting=sitting, data=_save("o", 1, open_id, "because"))
    sittings.submit(session, sitting=sitting)
    assert sitting.status == "submitted"
    teacher, other = Caller.of_staff(world.teacher), Caller.of_staff(world.other_teacher)
    assert marking.queue(session, caller=other) == []
    (entry,) = marking.queue(session, caller=teacher)
    assert entry.response == "because" and entry.student_name == "Mere Tane"
    with pytest.raises(NotFound):
        marking.mark(session, caller=other, answer_id=entry.answer_id, score=1)
    marking.mark(session, caller=teacher, answer_id=entry.answer_id, score=1)
    assert sitting.status == "scored" and marking.queue(session, caller=teacher) == []


def test_close_due_hands_in_sittings_whose_time_ran_out(session: Session,
                                                        world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5), minutes=10)
    sitting = sittings.start(session, student=world.students[0],
                             assignment_id=given.assignment.id)
    assert scoring.close_due(session, now=utcnow() + timedelta(minutes=5)) == 0
    assert scoring.close_due(session, now=utcnow() + timedelta(minutes=15)) == 1
    assert sitting.status == "scored" and sitting.time_used_s == pytest.approx(600, abs=5)
    with pytest.raises(Conflict):
        sittings.save_answer(session, sitting=sitting, data=_save(
            "late", 9, given.form.items[0].item_id))


def test_deleting_a_student_leaves_no_result_and_only_shared_labels(
        session: Session, world: people.Tenant) -> None:
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(5))
    pupil = world.students[0]
    pupil.gender, pupil.ethnicity, pupil.year_level = "F", "Tongan", 6
    for n in range(6):  # five more girls of year 6, none of them Tongan
        other = people.student(session, world.school, f"K-{n}", first=f"Ana{n}", year=6)
        other.gender, other.ethnicity = "F", "Māori"
        world.room.students.append(other)
    session.flush()
    for student in world.room.students:
        done = sittings.start(session, student=student, assignment_id=given.assignment.id)
        sittings.save_answer(session, sitting=done, data=_save(
            f"s{student.id}", 1, given.form.items[0].item_id, "B"))
        sittings.submit(session, sitting=done)
    sitting = session.scalar(select(Sitting).where(Sitting.student_id == pupil.id))
    assert sitting is not None and sitting.status == "scored"
    exported = privacy.export_student(session, caller=Caller.of_staff(world.leader),
                                      student=pupil)["sittings"][0]
    assert exported["test"] == "Number check" and exported["answers"][0]["response"] == "B"
    assert exported["result"]["subscores"] and exported["scored_responses"]
    assert exported["scored_responses"][0]["groups"]["ethnicity"] == "Tongan"
    counts = privacy.delete_student(session, caller=Caller.of_staff(world.leader),
                                    student=pupil)
    assert counts["sittings"] == 1
    session.expire_all()
    assert session.get(Sitting, sitting.id) is None
    assert session.scalar(select(Result).where(Result.sitting_id == sitting.id)) is None
    kept = list(session.scalars(select(ScoredResponse).where(
        ScoredResponse.person_key.startswith("anon:"))))
    assert len(kept) == 5  # calibration keeps the scores, under a pseudonym
    assert {str(r.groups) for r in kept} == {str({"gender": "F", "year_level": 6})}
    assert all(r.observed_at.hour == 0 and r.observed_at.minute == 0 for r in kept)
    assert session.scalar(select(ScoredResponse).where(
        ScoredResponse.person_key == f"sitting:{sitting.id}")) is None
