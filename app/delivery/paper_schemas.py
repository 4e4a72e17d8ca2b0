"""Shapes of paper response entry (``POST /api/v1/assignments/{id}/paper-responses``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

Cell = str | float | list[str] | None


class PaperResponsesCreate(BaseModel):
    """One student's answers, typed from their paper booklet. All or nothing: a bad cell
    writes nothing, and the 422 lists every bad cell."""

    student_id: int = Field(description="A student of the assignment's class.")
    answers: dict[str, Cell] = Field(
        description="Answers by question number as printed: `\"7\"` for question 7, "
        "`\"A2\"` for attitude statement A2. Choice: the letter ticked (`\"B\"`; several "
        "as `\"AC\"` or a list); numeric and short text: what was written; attitude: 1–4 "
        "(1 = the first box). Numbers left out are unanswered and score 0.",
        max_length=400)


class PaperRowRead(BaseModel):
    """The sitting a row of paper answers was saved to."""

    sitting_id: int = Field(description="The student's sitting of this assignment.")
    student_id: int = Field(description="The student.")
    status: str = Field(description="scored, or submitted while open answers wait for a "
                        "teacher's mark in the marking queue.")
