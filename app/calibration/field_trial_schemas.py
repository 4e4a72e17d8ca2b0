"""Shapes of a subject's field-trial seeding rule (``/api/v1/subjects/{code}/field-trial``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_TRIAL_SHARE = 4
"""A test carries at most one trial item for every four scored items of its shortest length,
so trial items stay a small part of what students sit (2 in 20 is the default)."""


class FieldTrialSettingUpdate(BaseModel):
    """The whole rule (PUT replaces it). Tests accepted before a change keep their items."""

    model_config = ConfigDict(extra="forbid")

    per_test: int = Field(ge=0, le=10, description=(
        "Unscored trial items seeded into each test long enough to carry them (0 turns "
        "seeding off for the subject). A trial passage's items count one each."))
    min_test_items: int = Field(ge=5, le=200, description=(
        "Tests with fewer scored items carry no trial items (a short test is no place for "
        "extra questions)."))
    target: int = Field(ge=100, le=100_000, description=(
        "Responses each trial item collects before it is ready for a calibration run; "
        "then it is seeded no more and is queued for the next run."))
    on_paper: bool = Field(description=(
        "Whether paper booklets carry the trial items too (on-screen tests always do)."))

    @model_validator(mode="after")
    def _small_share(self) -> FieldTrialSettingUpdate:
        if self.per_test * MAX_TRIAL_SHARE > self.min_test_items:
            raise ValueError(
                f"{self.per_test} trial items would be more than a quarter of a "
                f"{self.min_test_items}-item test: lower the trial items per test or raise "
                f"the minimum test length to at least {self.per_test * MAX_TRIAL_SHARE}")
        return self


class FieldTrialSettingRead(BaseModel):
    """A subject's seeding rule as it applies now (Kete's defaults until one is saved)."""

    subject: str = Field(description="Subject code.")
    per_test: int = Field(description="Trial items seeded into each long-enough test.")
    min_test_items: int = Field(description="Shortest test (scored items) that carries any.")
    target: int = Field(description="Responses a trial item collects before calibration.")
    on_paper: bool = Field(description="Whether paper booklets carry trial items.")
    is_default: bool = Field(description="True while the subject uses Kete's defaults.")
