"""Shapes of assignments, sittings, answers, results and the marking queue.

The student-facing shapes (``PlayerItem``, ``PlayerState``) are built field by field from an
item revision and have no key field at all: a key can never reach a student's browser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

ANSWER_MAX_CHARS = 4000
"""The longest typed answer a student may save (about two pages of writing)."""
Response = (Annotated[str, StringConstraints(max_length=ANSWER_MAX_CHARS)] | float
            | Annotated[list[Annotated[str, StringConstraints(max_length=64)]],
                        Field(max_length=50)]
            | None)


class AssignmentCreate(BaseModel):
    """Give an accepted test to a class for a window of time."""

    form_id: int = Field(description="The accepted form (test) to give.")
    class_id: int = Field(description="The class that sits it; you must teach it.")
    opens_at: datetime = Field(description="When students can start.")
    closes_at: datetime = Field(description="When the window closes; open sittings are "
                                "then submitted and scored.")
    time_limit_minutes: int | None = Field(
        None, ge=1, le=240, description="Time each student has once they start (none: "
        "until the window closes).")
    mode: Literal["screen", "paper"] | None = Field(
        None, description="On screen or on paper (default: the form's mode).")

    @model_validator(mode="after")
    def _window(self) -> AssignmentCreate:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class AssignmentRead(BaseModel):
    """An assignment with its form and class names and how far the class has got."""

    id: int = Field(description="Assignment id.")
    form_id: int = Field(description="The form given.")
    form_name: str = Field(description="The test's name.")
    class_id: int = Field(description="The class it was given to.")
    opens_at: datetime = Field(description="When students can start.")
    closes_at: datetime = Field(description="When the window closes.")
    time_limit_minutes: int | None = Field(description="Minutes per student, if limited.")
    mode: str = Field(description="screen or paper.")
    counts: dict[str, int] = Field(description="Sittings by status (not_started, "
                                   "in_progress, submitted, scored).")
    created_at: datetime = Field(description="When it was assigned.")


class SittingRead(BaseModel):
    """One student's sitting as their teacher sees it."""

    id: int = Field(description="Sitting id.")
    assignment_id: int = Field(description="The assignment it belongs to.")
    student_id: int | None = Field(description="The student (empty once de-identified).")
    student_name: str | None = Field(description="The student's name.")
    status: str = Field(description="not_started, in_progress, submitted (being scored "
                        "or awaiting marking) or scored.")
    started_at: datetime | None = Field(description="When the student started.")
    submitted_at: datetime | None = Field(description="When it was submitted.")
    time_used_s: float = Field(description="Seconds spent answering.")
    answered: int = Field(description="Items with an answer.")


class OpenAssignment(BaseModel):
    """A test a logged-in student can start or resume now."""

    assignment_id: int = Field(description="Assignment id (start it with POST …/start).")
    name: str = Field(description="The test's name.")
    closes_at: datetime = Field(description="When it closes.")
    time_limit_minutes: int | None = Field(description="Minutes allowed once started.")
    sitting_id: int | None = Field(description="The student's sitting, once started.")
    status: str = Field(description="not_started or in_progress.")


class PlayerOption(BaseModel):
    id: str = Field(description="Option label, e.g. `A`.")
    html: str = Field(description="Option text (sanitised HTML).")


class PlayerItem(BaseModel):
    """An item as the player shows it: no key, no parameters, no metadata."""

    item_id: int = Field(description="Item id; answers are saved against it.")
    number: int = Field(description="1-based number shown to the student within its section.")
    section: Literal["attitude", "test"] = Field(description="Attitude items come first.")
    response_type: str = Field(description="single_choice, multiple_choice, short_text, "
                               "numeric or likert.")
    stem_html: str = Field(description="The question (sanitised HTML).")
    options: list[PlayerOption] = Field(description="Options of choice and Likert items.")
    passage_id: int | None = Field(description="The passage shown beside it, if any.")


class PlayerPassage(BaseModel):
    id: int = Field(description="Passage id.")
    title: str = Field(description="Title.")
    body_html: str = Field(description="Text (sanitised HTML).")


class SavedAnswer(BaseModel):
    item_id: int = Field(description="The item answered.")
    response: Response = Field(description="The answer as last saved.")
    flagged: bool = Field(description="Flagged for review.")
    seq: int = Field(description="Sequence number of the save that stored it.")


class AdaptiveProgress(BaseModel):
    """Where an adaptive sitting is. The server chose what comes next; nothing here lets the
    browser choose it."""

    kind: Literal["mst", "cat"] = Field(description="mst: modules in stages; cat: one "
                                        "question at a time.")
    stage: int = Field(description="The current stage (1-based); move on with POST "
                       "…/next and this number.")
    stages: int = Field(description="MST: stages in all; CAT: the most questions the test "
                        "can have.")
    last: bool = Field(description="No stage follows this one: hand the test in next.")
    earlier: int = Field(description="Questions answered in earlier stages (closed now).")


class NextStage(BaseModel):
    """Ask to move on from the current stage (its answers can then no longer change)."""

    stage: int = Field(ge=1, description="The stage the player is on; a stale number "
                       "(a double click, a resend) moves nothing.")


class PlayerState(BaseModel):
    """Everything the player needs to show (or resume) a sitting, from the server."""

    sitting_id: int = Field(description="Sitting id.")
    name: str = Field(description="The test's name.")
    status: str = Field(description="in_progress, submitted or scored.")
    remaining_s: float | None = Field(description="Seconds left (none: no time limit).")
    items: list[PlayerItem] = Field(description="Attitude items, then the test's items.")
    passages: list[PlayerPassage] = Field(description="Passages the items refer to.")
    answers: list[SavedAnswer] = Field(description="Answers saved so far.")
    last_seq: int = Field(description="Highest save sequence number stored; the player "
                          "numbers its next saves above it.")
    adaptive: AdaptiveProgress | None = Field(
        None, description="Adaptive tests: the stage the sitting is in. `items` are then the "
        "current stage's only (with the attitude items in the first stage).")


class AnswerSave(BaseModel):
    """One answer as given; resending the same save is harmless."""

    client_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                           description="The player's id for this save (idempotency key).")
    seq: int = Field(ge=0, description="The player's sequence number: a later save of the "
                     "same item supersedes an earlier one, never the other way round.")
    item_id: int = Field(description="The item answered.")
    response: Response = Field(None, description="Option id, list of option ids, number "
                               f"or text (at most {ANSWER_MAX_CHARS} characters); null clears "
                               "the answer.")
    flagged: bool = Field(False, description="Flag the item for review.")
    time_s: float = Field(0.0, ge=0, le=86_400, description="Seconds spent on the item so far.")
    answered_at: datetime | None = Field(None, description="When it was answered (device).")


class AnswerAck(BaseModel):
    client_id: str = Field(description="The save acknowledged.")
    item_id: int = Field(description="The item.")
    stored: bool = Field(description="False when a save with this or a later sequence "
                         "number was already stored (nothing changed).")
    seq: int = Field(description="Sequence number of the answer now stored.")


class MarkingEntry(BaseModel):
    """An answer waiting for a teacher's mark."""

    answer_id: int = Field(description="Mark it with POST /api/v1/marking/{answer_id}.")
    sitting_id: int = Field(description="The sitting.")
    student_name: str | None = Field(description="The student.")
    item_code: str = Field(description="Item code.")
    stem_html: str = Field(description="The question.")
    response: Response = Field(description="The student's answer.")
    max_score: int = Field(description="Highest mark.")
    guidance: dict[str, Any] | None = Field(description="The item's key or marking notes.")


class MarkCreate(BaseModel):
    score: int = Field(ge=0, le=20, description="The mark, 0..max_score.")


class SubmitRead(BaseModel):
    sitting_id: int = Field(description="The sitting handed in.")
    status: str = Field(description="submitted (being scored, or answers wait for a "
                        "teacher's mark) or scored.")
