"""The teacher's test request and the form it produces."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Weight = Literal["none", "some", "most"]
LevelKey = Annotated[str, StringConstraints(pattern=r"^[1-8]$")]
StrandKey = Annotated[str, StringConstraints(min_length=1, max_length=20)]


class FormCreate(BaseModel):
    """What a teacher asks for (e-asTTle's test wizard)."""

    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    name: str = Field(min_length=1, max_length=120, description="Test name the class will see.")
    subject: str = Field(description="Subject code, e.g. `mathematics`.")
    duration_minutes: int | None = Field(
        None, ge=8, le=120, description="Time available; the items must fit in it.")
    item_count: int | None = Field(None, ge=4, le=120, description="Or an exact item count.")
    levels: dict[LevelKey, Weight] = Field(
        description="Curriculum levels (up to three adjacent) weighted none/some/most, e.g. "
        '`{"3": "most", "4": "some"}`.')
    strands: dict[StrandKey, Weight] = Field(
        description='Strand codes weighted none/some/most, e.g. `{"NA": "most", "GM": "some"}`.')
    deep_share: float | None = Field(
        None, ge=0, le=1, description="Share of deep (relational/extended abstract) items.")
    expected_level: str = Field(
        max_length=40, description='How the class will find it, e.g. "mostly 3P" or "3B-3A"; '
        "sets the ability range the test measures best.")
    mode: Literal["screen", "paper"] = Field("screen", description="On screen or on paper.")
    attitude_scale: str | None = Field(
        None, max_length=40, description="Attitude item set to give before the test.")
    exclude_items: list[str] = Field(
        default_factory=list, description="Item codes the class has seen recently.")
    class_id: int | None = Field(
        None, description="The class it is for: items of tests given to this class in the "
        "last 12 months are left out.")
    kind: Literal["linear", "mst", "cat"] = Field(
        "linear", description="`linear`: everyone sits the same items; `mst`: adaptive in "
        "three stages (e-asTTle's 1-3-3: a common first module, then an easier, middle or "
        "harder module twice, chosen by the answers so far); `cat`: adaptive item by item. "
        "Adaptive tests are on screen only and use auto-marked items only; the duration or "
        "item count is each student's whole test (a CAT's most).")
    panels: int = Field(
        2, ge=1, le=4, description="MST: panels with no item in common; classmates are dealt "
        "them in turn, so they see different modules.")
    se_stop: float | None = Field(
        None, gt=0.1, le=1.0, description="CAT: stop once the standard error of θ (logits) "
        "is at or below this; the test is never longer than the duration or item count.")

    @model_validator(mode="after")
    def _length(self) -> FormCreate:
        if (self.duration_minutes is None) == (self.item_count is None):
            raise ValueError("give either duration_minutes or item_count")
        if self.kind != "linear" and self.mode == "paper":
            raise ValueError("adaptive tests are given on screen only")
        return self


class FormItemRead(BaseModel):
    position: int = Field(description="1-based position on the test.")
    code: str = Field(description="Item code.")
    strand: str | None = Field(description="Strand code.")
    sublevel: str | None = Field(description="Curriculum sublevel.")
    depth: str | None = Field(description="surface or deep.")
    passage: str | None = Field(description="Passage code, if the item belongs to one.")
    expected_time_s: float = Field(description="Expected seconds to answer.")
    difficulty: float = Field(description="Difficulty b (θ, logits) in the form's calibration.")


class FormRead(BaseModel):
    """A form with the summary a teacher reads before accepting it."""

    id: int = Field(description="Form id.")
    name: str = Field(description="Test name.")
    subject: str = Field(description="Subject code.")
    status: str = Field(description="draft (can swap items) or accepted.")
    mode: str = Field(description="screen or paper.")
    attitude_scale: str | None = Field(
        None, description="Attitude statements its students answer before the test, if any.")
    calibration_id: int = Field(description="The calibration its scores will use.")
    parent_id: int | None = Field(description="The form this one was made similar to.")
    items: list[FormItemRead] = Field(description="Items in presentation order.")
    summary: dict[str, Any] = Field(
        description="Counts by level, strand and depth; total expected time (s); the class's "
        "expected score; SE of measurement at the class's level; reported strands; notes.")
    tif_svg: str = Field(description="SVG chart of the test information curve.")
    created_at: datetime = Field(description="When it was built.")
    kind: str = Field("linear", description="linear, mst or cat. For an MST `items` are the "
                      "first-stage (routing) modules only: later stages are chosen per student "
                      "and are not shown; a CAT shows no items.")
    adaptive: dict[str, Any] | None = Field(
        None, description="Adaptive tests: the design (stages, module length, panels, routing "
        "cut points in θ) or the CAT's length, stopping rule, exposure cap and pool size.")


class SwapRequest(BaseModel):
    item: str = Field(description="Code of the item to replace.")
