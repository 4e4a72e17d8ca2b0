"""Item bank shapes. ``ItemCreate`` is also the JSON import/export format, one item per object.

Answer keys appear only in ``ItemCreate``, ``ItemUpdate`` and ``ItemStaffRead``; the schemas a
student-facing page can ever use (``ItemRead``, ``OptionRead``) have no key field at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.itembank.html import sanitise

ResponseType = Literal["single_choice", "multiple_choice", "short_text", "numeric", "likert"]
Solo = Literal["unistructural", "multistructural", "relational", "extended_abstract"]
Status = Literal["draft", "trial", "operational", "retired"]
Kind = Literal["achievement", "attitude"]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class Option(BaseModel):
    """One answer option of a choice or Likert item."""

    id: str = Field(min_length=1, max_length=8, description="Option label, e.g. `A`.")
    html: str = Field(max_length=20_000, description="Option text as sanitised HTML.")

    @field_validator("html")
    @classmethod
    def _clean(cls, value: str) -> str:
        return sanitise(value)


class ItemFields(BaseModel):
    """Descriptive fields shared by create and read shapes."""

    subject: str = Field(description="Subject code, e.g. `mathematics`.")
    kind: Kind = Field("achievement", description="`achievement` or `attitude` (Likert) item.")
    strand: str | None = Field(None, description="Strand code within the subject.")
    objective: str | None = Field(None, description="Achievement objective code.")
    sublevel: str | None = Field(None, description="Curriculum sublevel, e.g. `3P`.")
    solo: Solo | None = Field(None, description="SOLO level; uni-/multistructural are surface.")
    response_type: ResponseType = Field(description="How the student answers.")
    status: Status = Field("draft", description="draft → trial → operational → retired.")
    passage: str | None = Field(None, description="Code of the passage (item set), if any.")
    enemy_group: str | None = Field(
        None, max_length=40, description="Items sharing a group never appear in one test."
    )
    family: str | None = Field(
        None, max_length=60, description="The template (item model) the item was written "
        "from. Items of one family never appear in one test unless the family is declared "
        "with `enemies: false`."
    )
    attitude_scale: str | None = Field(None, max_length=40, description="Attitude sub-scale.")


class ItemContent(BaseModel):
    """The content of one revision."""

    stem_html: str = Field(min_length=1, max_length=100_000, description="Stem, sanitised HTML.")
    options: list[Option] = Field(default_factory=list, description="Choice/Likert options.")
    max_score: int = Field(1, ge=1, le=20, description="Highest score the item can give.")
    expected_time_s: int = Field(60, ge=5, le=3600, description="Expected seconds to answer.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Free-form notes (JSON).")

    @field_validator("stem_html")
    @classmethod
    def _clean(cls, value: str) -> str:
        return sanitise(value)


class ItemCreate(ItemFields, ItemContent):
    """A new item (and one line of a JSON or CSV import)."""

    code: Code = Field(description="Stable unique item code, e.g. `MA-NA-0001`.")
    key: dict[str, Any] | None = Field(
        description="Scoring key: single_choice `{correct}`, multiple_choice `{correct: [..],"
        " partial_credit}`, numeric `{value, tolerance}`, short_text `{accepted: [..],"
        " case_sensitive}`, likert `{scores: {option: score}}`."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ItemCreate:
        check_item_consistency(self)
        return self


class FamilyCreate(BaseModel):
    """A family of items (those written from one template) and whether they are enemies."""

    code: str = Field(min_length=1, max_length=60, description="Family code, as items give it.")
    enemies: bool = Field(
        True, description="Whether items of the family give each other away, so that a test "
        "holds at most one of them (the rule unless a family says otherwise).")
    note: str = Field("", max_length=300, description="Why, e.g. 'separate number facts'.")


class ItemUpdate(BaseModel):
    """Changes to an item; content changes create a new revision."""

    strand: str | None = Field(None, description="New strand code.")
    objective: str | None = Field(None, description="New objective code.")
    sublevel: str | None = Field(None, description="New curriculum sublevel.")
    solo: Solo | None = Field(None, description="New SOLO level.")
    status: Status | None = Field(None, description="New status (allowed transitions only).")
    passage: str | None = Field(None, description="New passage code.")
    enemy_group: str | None = Field(None, description="New enemy group.")
    family: str | None = Field(None, max_length=60, description="New family (template).")
    attitude_scale: str | None = Field(None, description="New attitude sub-scale.")
    stem_html: str | None = Field(None, min_length=1, max_length=100_000,
                                  description="New stem (new revision).")
    options: list[Option] | None = Field(None, description="New options (new revision).")
    key: dict[str, Any] | None = Field(None, description="New scoring key (new revision).")
    max_score: int | None = Field(None, ge=1, le=20, description="New highest score.")
    expected_time_s: int | None = Field(None, ge=5, le=3600, description="New expected time.")
    metadata: dict[str, Any] | None = Field(None, description="New free-form notes.")
    note: str = Field("", max_length=300, description="Why this revision was made.")
    cosmetic: bool = Field(False, description="The content change is cosmetic (spelling, "
                           "layout): an operational item keeps its calibration and stays in "
                           "new tests. Otherwise it is out of new tests until recalibrated.")


class ParameterRead(BaseModel):
    """An item's parameters in one calibration (logistic, D = 1)."""

    model: str = Field(description="rasch, 2pl, 3pl, gpcm, pcm or grm.")
    a: float = Field(description="Discrimination a (slope).")
    b: float | None = Field(description="Difficulty b, on the logit (θ) scale; dichotomous only.")
    c: float = Field(description="Lower asymptote (guessing) c; 0 except for 3PL.")
    steps: list[float] = Field(description="GPCM step difficulties / GRM thresholds b1..bk.")
    calibration_id: int = Field(description="The calibration these parameters belong to.")


class ItemRead(ItemFields, ItemContent):
    """An item as anyone may see it: never with its key."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Stable unique item code.")
    depth: Literal["surface", "deep"] | None = Field(None, description="From the SOLO level.")
    revision: int = Field(description="Number of the current revision.")
    needs_recalibration: bool = Field(description="Content changed since it was calibrated.")
    parameters: ParameterRead | None = Field(None, description="From the active calibration.")
    updated_at: datetime = Field(description="Last change.")


class ItemStaffRead(ItemRead):
    """An item with its scoring key, for staff only."""

    key: dict[str, Any] | None = Field(description="Scoring key (see ItemCreate).")


class ItemPage(BaseModel):
    """One page of a filtered item list."""

    items: list[ItemStaffRead] = Field(description="The items on this page.")
    total: int = Field(description="Items matching the filters, over all pages.")
    page: int = Field(description="1-based page number.")
    page_size: int = Field(description="Items per page.")


class RevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="1 for the first version, then 2, 3, …")
    stem_html: str = Field(description="Stem of this revision.")
    options: list[Option] = Field(description="Options of this revision.")
    key: dict[str, Any] | None = Field(description="Scoring key of this revision.")
    max_score: int = Field(description="Highest score.")
    expected_time_s: int = Field(description="Expected seconds to answer.")
    note: str = Field(description="Why this revision was made.")
    created_at: datetime = Field(description="When it was made.")


def check_item_consistency(item: ItemCreate) -> None:
    """Raise ValueError when type, options, key and score do not fit together."""
    from app.itembank.keys import check_key  # local: keys imports this module's types

    if item.kind == "attitude" and item.response_type != "likert":
        raise ValueError("attitude items must be likert")
    if item.kind == "achievement" and (item.strand is None or item.sublevel is None):
        raise ValueError("achievement items need a strand and a sublevel")
    ids = [o.id for o in item.options]
    if len(set(ids)) != len(ids):
        raise ValueError("option ids must be unique")
    check_key(item.response_type, item.key, ids, item.max_score)


class PassageCreate(BaseModel):
    """A passage (shared stimulus of an item set); also the import/export format."""

    code: Code = Field(description="Stable unique passage code, e.g. `RD-P01`.")
    subject: str = Field(description="Subject code.")
    title: str = Field(min_length=1, max_length=200, description="Title shown to students.")
    body_html: str = Field(min_length=1, max_length=200_000, description="Sanitised HTML text.")
    sublevel: str | None = Field(None, description="Curriculum sublevel of the text, e.g. `3P`.")
    word_count: int = Field(0, ge=0, description="Words in the text (0: counted on save).")

    @field_validator("body_html")
    @classmethod
    def _clean(cls, value: str) -> str:
        return sanitise(value)


class PassageUpdate(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=200, description="New title.")
    body_html: str | None = Field(None, min_length=1, max_length=200_000,
                                  description="New text (sanitised HTML).")
    sublevel: str | None = Field(None, description="New curriculum sublevel.")

    @field_validator("body_html")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None else sanitise(value)


class PassageRead(PassageCreate):
    model_config = ConfigDict(from_attributes=True)

    item_count: int = Field(0, description="Items in this passage's set.")


class ItemFilters(BaseModel):
    """Filters for listing items; all optional and combined with AND."""

    subject: str | None = Field(None, description="Subject code.")
    strand: str | None = Field(None, description="Strand code.")
    objective: str | None = Field(None, description="Achievement objective code.")
    level_min: str | None = Field(None, description="Lowest sublevel, e.g. `3B`.")
    level_max: str | None = Field(None, description="Highest sublevel, e.g. `4A`.")
    solo: Solo | None = Field(None, description="SOLO level.")
    depth: Literal["surface", "deep"] | None = Field(None, description="Surface or deep.")
    status: Status | None = Field(None, description="Item status.")
    response_type: ResponseType | None = Field(None, description="Response type.")
    kind: Kind | None = Field(None, description="achievement or attitude.")
    passage: str | None = Field(None, description="Passage code.")
    difficulty_min: float | None = Field(
        None, ge=-10, le=10, description="Lowest difficulty (θ, active calibration).")
    difficulty_max: float | None = Field(
        None, ge=-10, le=10, description="Highest difficulty (θ, active calibration).")
    q: str | None = Field(None, max_length=200, description="Text in the stem or the code.")
