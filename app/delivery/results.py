"""What delivery publishes when a sitting is scored: one typed :class:`ScoredResult`.

Reports (and anything else that reads results) consume these models, never the stored JSON:
:mod:`app.delivery.result_store` reads and writes the ``result`` rows through them. Flags
stored before there was one vocabulary are read as the :class:`Flag` they meant.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Depth = Literal["surface", "deep"]


class Flag(StrEnum):
    """Why a score should be read with care (the score is still reported)."""

    FEW_CORRECT = "few_correct"
    ALL_CORRECT = "all_correct"
    RAPID_GUESSING = "rapid_guessing"

    @property
    def meaning(self) -> str:
        """The flag in a teacher's words."""
        return FLAG_MEANING[self]

    @property
    def short(self) -> str:
        """A short name for lists ("Rapid guessing")."""
        return self.meaning.split(":")[0]


FLAG_MEANING: dict[Flag, str] = {
    Flag.FEW_CORRECT: "Fewer than 3 items right: the score rests on very few right answers, "
                      "so treat it with caution.",
    Flag.ALL_CORRECT: "Every item right: the test was too easy to show how far this student "
                      "can go, so the true level may be higher than the score.",
    Flag.RAPID_GUESSING: "Rapid guessing: the answers came too fast to have been read (a "
                         "median under 5 seconds); the score may understate what this "
                         "student knows.",
}
LEGACY_FLAGS = {"fewer than 3 correct": Flag.FEW_CORRECT, "all correct": Flag.ALL_CORRECT,
                "rapid guessing": Flag.RAPID_GUESSING,
                "too_little_information": Flag.FEW_CORRECT}
"""Flags as stored before one vocabulary (results scored before the 2026-11-30 migration)."""


class Quadrant(StrEnum):
    """An item judged against the student's own score (the Individual Learning Pathway)."""

    ACHIEVED = "Achieved"
    STRENGTHS = "Strengths"
    GAPS = "Gaps"
    TO_BE_ACHIEVED = "To be achieved"

    @classmethod
    def of(cls, *, easier: bool, correct: bool) -> Quadrant:
        """Easier and right: Achieved; harder and right: Strengths; easier and wrong: Gaps;
        harder and wrong: To be achieved."""
        if correct:
            return cls.ACHIEVED if easier else cls.STRENGTHS
        return cls.GAPS if easier else cls.TO_BE_ACHIEVED

    @property
    def correct(self) -> bool:
        """Whether items in this quadrant were answered correctly."""
        return self in (Quadrant.ACHIEVED, Quadrant.STRENGTHS)

    @property
    def easier(self) -> bool:
        """Whether items in this quadrant are easier than the student's level."""
        return self in (Quadrant.ACHIEVED, Quadrant.GAPS)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SubScore(_Frozen):
    """A score on one group of the test's items (a strand, or surface/deep items)."""

    theta: float = Field(description="Ability θ on these items alone (EAP, logits).")
    se: float = Field(description="Standard error of that θ.")
    scale_score: float | None = Field(description="On the reporting scale (None: no scale).")
    scale_se: float | None = Field(description="Its standard error in scale points.")
    n_items: int = Field(description="How many items the sub-score rests on.")
    raw: int = Field(description="Marks scored on them.")
    max: int = Field(description="Marks available on them.")


class SubScores(_Frozen):
    """Sub-scores by curriculum strand (strand code → score) and by depth of thinking."""

    strand: dict[str, SubScore] = Field(default_factory=dict,
                                        description="Strand code → sub-score.")
    depth: dict[Depth, SubScore] = Field(default_factory=dict,
                                         description="`surface`/`deep` → sub-score.")


class ItemOutcome(_Frozen):
    """One achievement item of the sitting and its quadrant."""

    position: int = Field(description="Position in the form.")
    item: str = Field(description="Item code.")
    objective: str | None = Field(description="Achievement objective code.")
    objective_text: str | None = Field(None, description="The objective in words.")
    strand: str | None = Field(description="Strand code.")
    sublevel: str | None = Field(description="The curriculum sublevel the item was written "
                                 "for (its objective's level).")
    depth: Depth = Field(description="Surface or deep thinking (SOLO).")
    score: int = Field(description="Marks scored.")
    max_score: int = Field(description="Marks available.")
    p_correct: float = Field(description="Expected share of the item's marks at the "
                             "student's θ (for a right/wrong item, P(correct)).")
    difficulty: float | None = Field(None, description="Reporting-scale score at which a "
                                     "student expects half the item's marks (None in results "
                                     "scored before it was stored).")
    quadrant: Quadrant = Field(description="Achieved, Strengths, Gaps or To be achieved: "
                               "easier when p_correct ≥ 0.5; correct with at least half the "
                               "marks.")

    @property
    def correct(self) -> bool:
        """At least half the item's marks: what the quadrants and 'items right' count."""
        return 2 * self.score >= self.max_score

    @property
    def partial(self) -> bool:
        """Some but not all of the item's marks."""
        return 0 < self.score < self.max_score


class ScoredResult(_Frozen):
    """A scored sitting. θ is in logits on the reference scale (the form's calibration linked
    to it); every score carries its standard error."""

    sitting_id: int = Field(description="The sitting scored.")
    assignment_id: int = Field(description="The assignment (test given to a class).")
    student_id: int | None = Field(description="The student (empty once de-identified).")
    calibration_id: int = Field(description="Calibration whose parameters scored it.")
    theta: float = Field(description="Ability θ (EAP, logits).")
    se: float = Field(description="Standard error of θ (posterior SD).")
    scale_score: float | None = Field(description="Reporting-scale score A + B·θ (None when "
                                      "the subject has no reporting scale).")
    scale_se: float | None = Field(description="SE on the reporting scale (|B|·SE).")
    sublevel: str | None = Field(description="Curriculum sublevel of the scale score: the "
                                 "highest cut at or below it, or `below 2B` under the lowest.")
    raw_score: int = Field(description="Marks scored on the achievement items.")
    max_score: int = Field(description="Marks available.")
    subscores: SubScores = Field(description="Strand and surface/deep sub-scores.")
    attitude_score: float | None = Field(description="Mean attitude item score, 0 (negative) "
                                         "to 3 (positive); None if not asked.")
    flags: tuple[Flag, ...] = Field(description="Reasons to read the score with care: "
                                    + ", ".join(f"`{f}`" for f in Flag) + ".")
    quadrants: tuple[ItemOutcome, ...] = Field(description="Each achievement item with its "
                                               "Individual Learning Pathway quadrant.")
    sat_at: datetime = Field(description="When it was handed in (or scored, for paper).")
    scored_at: datetime = Field(description="When it was scored.")

    @field_validator("flags", mode="before")
    @classmethod
    def _one_vocabulary(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(LEGACY_FLAGS.get(f, f) if isinstance(f, str) else f for f in value)
        return value

    @property
    def items_right(self) -> int:
        """Items with at least half their marks (partial credit counts the same way as in
        the quadrants)."""
        return sum(o.correct for o in self.quadrants)

    @property
    def items_partial(self) -> int:
        """Items with some but not all of their marks."""
        return sum(o.partial for o in self.quadrants)

    def flagged(self, flag: Flag) -> bool:
        """Whether ``flag`` was raised."""
        return flag in self.flags

