"""Sittings over HTTP: teachers assign and mark, students sit (``/api/v1``).

Students call the sitting routes with their log-in (cookie + ``X-CSRF-Token``, or bearer);
they reach only their own sittings. Staff reach their school's; other schools' are 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from app.db import SessionDep, StepRoute
from app.delivery import adaptive, marking, player, reported, result_store, sittings
from app.delivery.models import Assignment, Sitting
from app.delivery.results import ScoredResult
from app.delivery.schemas import (
    AnswerAck,
    AnswerSave,
    AssignmentCreate,
    AssignmentRead,
    MarkCreate,
    MarkingEntry,
    NextStage,
    OpenAssignment,
    PlayerState,
    SittingRead,
    SubmitRead,
)
from app.errors import NotFound
from app.people.dependencies import Caller
from app.people.models import Student
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["sittings"], route_class=StepRoute)
Builder = Annotated[Caller, require("forms:write")]
ClassReader = Annotated[Caller, require("classes:read")]
Marker = Annotated[Caller, require("classes:write")]
Pupil = Annotated[Caller, require("student:self")]


def _student(caller: Caller) -> Student:
    assert caller.student is not None  # student:self is held by students only
    return caller.student


def assignment_read(session: Session, row: Assignment) -> AssignmentRead:
    return AssignmentRead(id=row.id, form_id=row.form_id, form_name=row.form.name,
                          class_id=row.class_id, opens_at=row.opens_at,
                          closes_at=row.closes_at, time_limit_minutes=row.time_limit_minutes,
                          mode=row.mode, counts=sittings.status_counts(session, row),
                          created_at=row.created_at)


def result_read(session: Session, sitting: Sitting) -> ScoredResult:
    scored = result_store.get(session, sitting=sitting)
    if scored is None:
        raise NotFound(f"Sitting {sitting.id} has no result yet (status: {sitting.status}).")
    return reported.reported(session, scored)


@router.post("/assignments", response_model=AssignmentRead, status_code=201,
             summary="Assign a test to a class")
def create_assignment(body: AssignmentCreate, session: SessionDep,
                      caller: Builder) -> AssignmentRead:
    """Only accepted tests, and only to a class you teach (leaders: any class of the school)."""
    return assignment_read(session, sittings.assign(session, caller=caller, data=body))


@router.get("/assignments", response_model=list[AssignmentRead],
            summary="A class's assignments")
def list_assignments(session: SessionDep, caller: ClassReader,
                     class_id: Annotated[int, Query(description="The class.")]
                     ) -> list[AssignmentRead]:
    rows = sittings.assignments_of_class(session, caller=caller, class_id=class_id)
    return [assignment_read(session, r) for r in rows]


@router.get("/assignments/{assignment_id}/sittings", response_model=list[SittingRead],
            summary="The sittings of an assignment")
def list_sittings(assignment_id: int, session: SessionDep,
                  caller: ClassReader) -> list[SittingRead]:
    assignment = sittings.get_assignment(session, caller=caller, assignment_id=assignment_id)
    rows = sittings.sittings_of(session, assignment=assignment)
    answered = sittings.answer_counts(session, rows)
    return [SittingRead(id=s.id, assignment_id=s.assignment_id, student_id=s.student_id,
                        student_name=sittings.student_name(session, s), status=s.status,
                        started_at=s.started_at, submitted_at=s.submitted_at,
                        time_used_s=s.time_used_s, answered=answered[s.id]) for s in rows]


@router.get("/sittings/{sitting_id}/result", response_model=ScoredResult,
            summary="The result of a sitting")
def get_result(sitting_id: int, session: SessionDep, caller: ClassReader) -> ScoredResult:
    """θ and SE, scale score and SE, sublevel, sub-scores, attitude, flags and quadrants."""
    return result_read(session, sittings.get_sitting(session, caller=caller,
                                                     sitting_id=sitting_id))


@router.get("/marking", response_model=list[MarkingEntry], summary="Answers to mark")
def marking_queue(session: SessionDep, caller: Marker) -> list[MarkingEntry]:
    """Open responses no key can mark, from the classes you teach (leaders: the school's)."""
    return marking.queue(session, caller=caller)


@router.post("/marking/{answer_id}", response_model=SubmitRead, summary="Mark an answer")
def mark_answer(answer_id: int, body: MarkCreate, session: SessionDep,
                caller: Marker) -> SubmitRead:
    sitting = marking.mark(session, caller=caller, answer_id=answer_id, score=body.score)
    return SubmitRead(sitting_id=sitting.id, status=sitting.status)


@router.get("/student/assignments", response_model=list[OpenAssignment],
            summary="Your open tests (students)")
def my_assignments(session: SessionDep, caller: Pupil) -> list[OpenAssignment]:
    return sittings.open_assignments(session, student=_student(caller))


@router.post("/student/assignments/{assignment_id}/start", response_model=PlayerState,
             summary="Start or resume a test (students)")
def start_sitting(assignment_id: int, session: SessionDep, caller: Pupil) -> PlayerState:
    sitting = sittings.start(session, student=_student(caller), assignment_id=assignment_id)
    return player.state(session, sitting=sitting)


@router.get("/sittings/{sitting_id}", response_model=PlayerState,
            summary="Your sitting and saved answers (students)")
def get_sitting(sitting_id: int, session: SessionDep, caller: Pupil) -> PlayerState:
    sitting = sittings.get_sitting(session, caller=caller, sitting_id=sitting_id)
    return player.state(session, sitting=sitting)


@router.post("/sittings/{sitting_id}/answers", response_model=AnswerAck,
             summary="Save an answer (students)")
def save_answer(sitting_id: int, body: AnswerSave, session: SessionDep,
                caller: Pupil) -> AnswerAck:
    """Idempotent: resending a save, or an older one, is acknowledged and changes nothing.
    Of two saves of one answer in flight at once, the one with the higher `seq` is kept,
    whichever arrives last. A save after time is up or after hand-in is refused (409, with
    the reason); a 409 whose error is `SendAgain` should simply be sent again. A 503 says
    Kete is busy: send it again after `Retry-After` seconds."""
    sitting = sittings.get_sitting(session, caller=caller, sitting_id=sitting_id, lock="share")
    return sittings.save_answer(session, sitting=sitting, data=body)


@router.post("/sittings/{sitting_id}/next", response_model=PlayerState,
             summary="Move on to the next stage of an adaptive test (students)")
def next_stage(sitting_id: int, body: NextStage, session: SessionDep,
               caller: Pupil) -> PlayerState:
    """The server marks the current stage's saved answers, estimates θ on every answer so
    far and gives the next module (multistage) or question (CAT), or says the test is done
    (`adaptive.last`). The current stage then closes: its answers can no longer change.
    Sending a stage already left (a double click, a resend) changes nothing and returns
    where the sitting is."""
    sitting = sittings.get_sitting(session, caller=caller, sitting_id=sitting_id)
    adaptive.advance(session, sitting=sitting, from_stage=body.stage)
    return player.state(session, sitting=sitting)


@router.post("/sittings/{sitting_id}/submit", response_model=SubmitRead,
             summary="Hand in a test (students)")
def submit_sitting(sitting_id: int, session: SessionDep, caller: Pupil) -> SubmitRead:
    """Answers at once: the sitting is `submitted` and its scoring is queued (usually done
    within seconds; then `scored`). Handing in twice is harmless."""
    sitting = sittings.get_sitting(session, caller=caller, sitting_id=sitting_id, lock="update")
    sittings.submit(session, sitting=sitting, scoring="queued")
    return SubmitRead(sitting_id=sitting.id, status=sitting.status)

